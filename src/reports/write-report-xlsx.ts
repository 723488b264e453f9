import type ExcelJS from 'exceljs';
import { CHANGE_KEYS, PLAN_KEYS, RECONCILE_KEYS, RPL_KEYS } from './summary.ts';
import { formatDuration } from './html-page.ts';
import { formatCount, labelsFor, type ReportLabels } from './labels.ts';
import { issueColumns } from './plan-issues-csv-rows.ts';
import { BILLING_SHEET, billingSheet } from './render-billing-section.ts';
import { DIAL_IN_SHEET, dialInCells, dialInColumns } from './render-dial-in-section.ts';
import { rplLabelsFor } from './rpl-labels.ts';
import type { PlanLine, ReconcileLine, ReportInput } from './report-input.ts';
import { reconciliationColumns, reconciliationCsvRow } from './write-reconciliation-csv.ts';
import type { Locale } from '../config/index.ts';
import type { IssueRecord, Summary } from './summary.ts';
import { writeAtomically } from './write-atomically.ts';

/** Excel's limits: rows per sheet (one is the header) and characters per cell. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
export const XLSX_MAX_CELL_CHARS = 32_767;

/** The sheet names, fixed in every locale so that tools can find them. */
export const XLSX_SHEETS = {
  summary: 'Summary',
  files: 'Files',
  issues: 'Issues',
  plan: 'Plan',
  dialIn: DIAL_IN_SHEET,
  reconciliation: 'Reconciliation',
} as const;

/** The sheet of open RPL checks, written when there is one (fixed name in every locale). */
export const XLSX_RPL_SHEET = 'RPL';

type Cell = string | number | null;

const YIELD_EVERY_ROWS = 5000;

/**
 * Partner text as a cell: only ever a plain string (never a formula or hyperlink object), without
 * the characters XML cannot hold, and within Excel's cell limit.
 */
export function cellText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  // exceljs drops C0 controls itself; U+FFFE/U+FFFF would make the sheet XML invalid.
  let clean = text.replace(/[\uFFFE\uFFFF]/g, '\uFFFD');
  if (clean.length > XLSX_MAX_CELL_CHARS) {
    let cut = XLSX_MAX_CELL_CHARS - 1;
    if (/[\uD800-\uDBFF]/.test(clean.charAt(cut - 1))) cut -= 1; // keep surrogate pairs whole
    clean = `${clean.slice(0, cut)}…`;
  }
  return clean;
}

/** Writes report.xlsx with the streaming writer (sheets Summary, Files, Issues, and Plan when given). */
export async function writeReportXlsx(target: string, input: ReportInput): Promise<void> {
  const { default: Excel } = await import('exceljs'); // loaded when used, not with the CLI
  await writeAtomically(target, async (tmp) => {
    const workbook = new Excel.stream.xlsx.WorkbookWriter({
      filename: tmp,
      useStyles: true,
      useSharedStrings: false,
    });
    workbook.creator = 'rtm-batch';
    const finished = new Date(input.summary.finishedAt);
    // exceljs would stamp the wall clock; the run's own time keeps the file reproducible.
    if (!Number.isNaN(finished.getTime())) {
      workbook.created = finished;
      workbook.modified = finished;
    }
    const l = labelsFor(input.locale);
    await addTableSheet(
      workbook,
      XLSX_SHEETS.summary,
      [l.section, l.item, l.value],
      [22, 36, 60],
      summaryRows(input, l),
    );
    await addTableSheet(
      workbook,
      XLSX_SHEETS.files,
      [
        l.partner,
        l.fileName,
        l.format,
        l.encoding,
        l.status,
        l.code,
        l.message,
        l.rows,
        l.accepted,
        l.rejected,
        'sha256',
      ],
      [16, 36, 8, 14, 14, 18, 60, 10, 10, 10, 66],
      input.summary.files.map((f) => [
        cellText(f.partner),
        cellText(f.name),
        f.format,
        cellText(f.encoding),
        l.fileStatus[f.status] ?? f.status,
        cellText(f.code),
        cellText(f.message),
        f.rows.total,
        f.rows.accepted,
        f.rows.rejected,
        f.sha256,
      ]),
    );
    await addTableSheet(
      workbook,
      XLSX_SHEETS.issues,
      issueColumns(input.locale),
      [16, 30, 16, 8, 20, 30, 24, 70],
      issueRows(input.issues),
    );
    if (input.rpl !== undefined && input.rpl.open.length > 0) {
      const r = rplLabelsFor(input.locale);
      await addTableSheet(
        workbook,
        XLSX_RPL_SHEET,
        [
          r.partner,
          r.customer,
          r.customerName,
          r.trigger,
          r.openedAt,
          r.ageMinutes,
          r.lastStatus,
          r.attempts,
          r.unreachable,
          r.overdue,
          r.candidate,
        ],
        [16, 24, 30, 22, 22, 12, 20, 12, 12, 10, 40],
        input.rpl.open.map((c) => [
          cellText(c.partner),
          cellText(c.externalId),
          cellText(c.customerName),
          r.triggerName[c.trigger] ?? c.trigger,
          c.openedAt,
          c.ageMinutes,
          c.lastStatus,
          c.attempts,
          c.unreachableAttempts,
          c.overdue ? l.yes : l.no,
          c.reasons.map((x) => r.reasonName[x] ?? x).join('; '),
        ]),
      );
    }
    if (input.summary.reconcile !== null) {
      await addTableSheet(
        workbook,
        XLSX_SHEETS.reconciliation,
        [...reconciliationColumns(input.locale), l.diffField, l.webexValue, l.sheetValue],
        [16, 12, 40, 28, 16, 60, 20, 30, 30],
        reconciliationRows(input.reconciliation ?? [], input.locale),
      );
    }
    if (input.plan !== undefined && input.plan.length > 0) {
      await addTableSheet(
        workbook,
        XLSX_SHEETS.plan,
        [l.partner, l.entity, l.key, l.action],
        [16, 14, 40, 14],
        planRows(input.plan, l),
      );
    }
    const dialIns = input.dialIns;
    if (dialIns !== undefined && dialIns.length > 0) {
      await addTableSheet(
        workbook,
        XLSX_SHEETS.dialIn,
        dialInColumns(input.locale),
        [16, 30, 8, 24, 36, 28, 10, 18, 28],
        dialIns
          .slice(0, XLSX_MAX_DATA_ROWS)
          .map((d) =>
            dialInCells(d, input.locale).map((c) => (typeof c === 'string' ? cellText(c) : c)),
          ),
      );
    }
    if (input.billing !== undefined) {
      const sheet = billingSheet(input.billing);
      const rows = sheet.rows.slice(0, XLSX_MAX_DATA_ROWS);
      await addTableSheet(
        workbook,
        BILLING_SHEET,
        sheet.columns,
        sheet.columns.map(() => 18),
        rows.map((r) => r.map((c) => (typeof c === 'string' ? cellText(c) : c))),
      );
    }
    await workbook.commit();
  });
}

async function addTableSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  header: string[],
  widths: number[],
  rows: Iterable<Cell[]>,
): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = widths.map((width) => ({ width }));
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF1F5' } };
  head.commit();
  let last = 1;
  for (const values of rows) {
    sheet.addRow(values).commit();
    last += 1;
    // Committed rows wait in memory until the zip stream runs: let it drain now and then.
    if (last % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: last, column: header.length } };
  sheet.commit();
}

function* issueRows(issues: readonly IssueRecord[]): Generator<Cell[]> {
  const shown = Math.min(issues.length, XLSX_MAX_DATA_ROWS);
  for (let i = 0; i < shown; i += 1) {
    const issue = issues[i] as IssueRecord;
    yield [
      cellText(issue.partner),
      cellText(issue.file),
      cellText(issue.sheet),
      issue.row,
      cellText(issue.column),
      cellText(issue.value),
      cellText(issue.code),
      cellText(issue.message),
    ];
  }
}

/** The lines that are not in sync, one row per field that differs (before → after), else one row. */
function* reconciliationRows(lines: readonly ReconcileLine[], locale: Locale): Generator<Cell[]> {
  let shown = 0;
  for (const line of lines) {
    if (line.category === 'inSync') continue;
    const base = reconciliationCsvRow(line, locale).map((c) => cellText(c));
    for (const d of line.diffs.length > 0 ? line.diffs : [null]) {
      if (shown++ >= XLSX_MAX_DATA_ROWS) return;
      yield [...base, cellText(d?.field), cellText(d?.webex), cellText(d?.expected)];
    }
  }
}

function* planRows(plan: readonly PlanLine[], l: ReportLabels): Generator<Cell[]> {
  const shown = Math.min(plan.length, XLSX_MAX_DATA_ROWS);
  for (let i = 0; i < shown; i += 1) {
    const p = plan[i] as PlanLine;
    yield [
      cellText(p.partner),
      l.entityName[p.entity] ?? p.entity,
      cellText(p.key),
      l.planAction[p.action] ?? p.action,
    ];
  }
}

function summaryRows(input: ReportInput, l: ReportLabels): Cell[][] {
  const s: Summary = input.summary;
  const run = l.reportTitle;
  const rows: Cell[][] = [
    [run, l.runId, s.runId],
    [run, l.job, s.job],
    [run, l.status, l.runStatus[s.status] ?? s.status],
    [run, l.exitCode, s.exitCode],
    [run, l.startedAt, s.startedAt],
    [run, l.finishedAt, s.finishedAt],
    [run, l.duration, formatDuration(s.startedAt, s.finishedAt)],
    [run, l.dryRun, s.dryRun ? l.yes : l.no],
  ];
  if (s.error) rows.push([run, l.runFailure, cellText(s.error)]);
  rows.push([l.files, l.rowsTotal, s.files.length]);
  for (const st of ['processed', 'duplicate', 'quarantined', 'skipped'] as const) {
    rows.push([l.files, l.fileStatus[st], s.files.filter((f) => f.status === st).length]);
  }
  rows.push(
    [l.rows, l.rowsTotal, s.rows.total],
    [l.rows, l.accepted, s.rows.accepted],
    [l.rows, l.rejected, s.rows.rejected],
  );
  for (const k of CHANGE_KEYS) rows.push([l.customers, l.change[k], s.customers[k]]);
  for (const k of CHANGE_KEYS) rows.push([l.subscribers, l.change[k], s.subscribers[k]]);
  for (const k of RPL_KEYS) rows.push([l.rpl, l.rplCount[k], s.rpl[k]]);
  const rc = s.reconcile;
  if (rc === null) rows.push([l.reconcile, l.notReconciled, null]);
  else for (const k of RECONCILE_KEYS) rows.push([l.reconcile, l.reconcileCount[k], rc[k]]);
  const plan = s.plan;
  if (plan !== undefined && plan !== null) {
    for (const k of PLAN_KEYS) rows.push([l.planCounts, l.planAction[k], plan[k]]);
  }
  const codes = Object.entries(s.issueCounts).sort(
    ([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const [code, count] of codes) rows.push([l.issueCounts, cellText(code), count]);
  if (input.issues.length > XLSX_MAX_DATA_ROWS) {
    const n = (v: number): string => formatCount(input.locale, v);
    rows.push([
      l.issues,
      l.issues,
      l.issuesTruncatedInXlsx(n(XLSX_MAX_DATA_ROWS), n(input.issues.length)),
    ]);
  }
  for (const a of s.attention)
    rows.push([l.needsYou, cellText(a.partner ?? ''), cellText(`${a.count}: ${a.message}`)]);
  for (const note of s.notes) rows.push([l.notes, '', cellText(note)]);
  return rows;
}
