import type ExcelJS from 'exceljs';
import { CHANGE_KEYS, PLAN_KEYS, RECONCILE_KEYS, RPL_KEYS } from './summary.ts';
import { formatDuration } from './html-page.ts';
import { formatCount, labelsFor, type ReportLabels } from './labels.ts';
import { issueColumns } from './plan-issues-csv-rows.ts';
import { BILLING_SHEET, billingSheet } from './render-billing-section.ts';
import { DIAL_IN_SHEET, dialInCells, dialInColumns } from './render-dial-in-section.ts';
import { planPartnerViews } from './render-partner-sections.ts';
import { rplLabelsFor } from './rpl-labels.ts';
import type { PlanLine, ReconcileLine, ReportInput } from './report-input.ts';
import { reconciliationColumns, reconciliationCsvRow } from './write-reconciliation-csv.ts';
import type { Locale } from '../config/index.ts';
import type { IssueRecord, Summary } from './summary.ts';
import { writeAtomically } from './write-atomically.ts';
import { CATEGORY_TONE, FILE_STATUS_TONE, type Tone } from './tones.ts';

/** Excel's limits: rows per sheet (one is the header) and characters per cell. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
export const XLSX_MAX_CELL_CHARS = 32_767;

/** The sheet names, fixed in every locale so that tools can find them. */
export const XLSX_SHEETS = {
  summary: 'Summary',
  partners: 'Partners',
  files: 'Files',
  issues: 'Issues',
  changes: 'Changes',
  reconciliation: 'Reconciliation',
  rpl: 'RPL',
  candidates: 'Candidates',
  plan: 'Plan',
  dialIn: DIAL_IN_SHEET,
} as const;

/** The sheet of open RPL checks (fixed name in every locale). */
export const XLSX_RPL_SHEET = XLSX_SHEETS.rpl;

type Cell = string | number | null;

/** A status colour's cell fill and font (as report.html's badges). */
const TONE_ARGB: Readonly<Record<Tone, { fill: string; font: string }>> = {
  ok: { fill: 'FFE2F5E9', font: 'FF0B6B37' },
  warn: { fill: 'FFFFF3D1', font: 'FF845300' },
  bad: { fill: 'FFFDE8E6', font: 'FFB42318' },
  info: { fill: 'FFE3ECFF', font: 'FF1D4ED8' },
  gray: { fill: 'FFECEFF3', font: 'FF4B5563' },
};

/** A row whose cells at some columns (0-based) take a status colour. */
interface TonedRow {
  cells: Cell[];
  tones: Partial<Record<number, Tone>>;
}
type Row = Cell[] | TonedRow;

/**
 * One sheet of report.xlsx: its fixed name, localized header and widths, its rows, and when it is
 * written (always, when `when` is absent). A new sheet is one entry of XLSX_SECTIONS.
 */
export interface XlsxSection {
  name: string;
  columns: (input: ReportInput, l: ReportLabels) => { header: string[]; widths: number[] };
  rows: (input: ReportInput, l: ReportLabels) => Iterable<Row>;
  when?: (input: ReportInput) => boolean;
}

/** The category column of the Reconciliation sheet (0-based), coloured by category. */
const CATEGORY_COLUMN = 4;
const STATUS_TONE: Readonly<Record<string, Tone>> = {
  ok: 'ok',
  attention: 'warn',
  partial: 'warn',
  failed: 'bad',
};

/** The sheets of report.xlsx, in order: one per section of the report. */
export const XLSX_SECTIONS: readonly XlsxSection[] = [
  {
    name: XLSX_SHEETS.summary,
    columns: (_, l) => ({ header: [l.section, l.item, l.value], widths: [22, 36, 60] }),
    rows: summaryRows,
  },
  {
    name: XLSX_SHEETS.partners,
    columns: (_, l) => ({
      header: [
        l.partner,
        l.files,
        l.rows,
        l.accepted,
        l.rejected,
        ...CHANGE_KEYS.map((k) => l.change[k]),
        l.rplCustomers,
        l.resultsFiles,
      ],
      widths: [18, 8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 12, 50],
    }),
    rows: partnerRows,
  },
  {
    name: XLSX_SHEETS.files,
    columns: (_, l) => ({
      header: [
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
      widths: [16, 36, 8, 14, 14, 18, 60, 10, 10, 10, 66],
    }),
    rows: (input, l) =>
      input.summary.files.map((f) => ({
        cells: [
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
        ],
        tones: {
          4: FILE_STATUS_TONE[f.status] ?? 'gray',
          ...(f.rows.rejected > 0 ? { 9: 'bad' } : {}),
        },
      })),
  },
  {
    name: XLSX_SHEETS.issues,
    columns: (input) => ({
      header: issueColumns(input.locale),
      widths: [16, 30, 16, 8, 20, 30, 24, 70],
    }),
    rows: (input) => issueRows(input.issues),
  },
  {
    name: XLSX_SHEETS.changes,
    columns: (_, l) => ({
      header: [l.partner, l.entity, l.status, l.count],
      widths: [18, 14, 14, 10],
    }),
    rows: (input, l) =>
      (input.partnerChanges ?? []).map((c) => ({
        cells: [
          cellText(c.partner),
          l.entityName[c.entity] ?? c.entity,
          l.change[c.outcome as keyof typeof l.change] ?? c.outcome,
          c.count,
        ],
        tones: {
          2: c.outcome === 'failed' ? 'bad' : c.outcome === 'pending' ? 'warn' : 'ok',
        },
      })),
  },
  {
    name: XLSX_SHEETS.reconciliation,
    columns: (input, l) => ({
      header: [...reconciliationColumns(input.locale), l.diffField, l.webexValue, l.sheetValue],
      widths: [16, 12, 40, 28, 16, 60, 20, 30, 30],
    }),
    rows: (input) => reconciliationRows(input.reconciliation ?? [], input.locale),
  },
  {
    name: XLSX_SHEETS.rpl,
    columns: (input) => rplColumns(input),
    rows: (input, l) => rplRows(input, l, false),
  },
  {
    name: XLSX_SHEETS.candidates,
    columns: (input) => rplColumns(input),
    rows: (input, l) => rplRows(input, l, true),
  },
  {
    name: XLSX_SHEETS.plan,
    columns: (_, l) => ({
      header: [l.partner, l.entity, l.key, l.action],
      widths: [16, 14, 40, 14],
    }),
    rows: (input, l) => planRows(input.plan ?? [], l),
    when: (input) => input.plan !== undefined && input.plan.length > 0,
  },
  {
    name: XLSX_SHEETS.dialIn,
    columns: (input) => ({
      header: dialInColumns(input.locale),
      widths: [16, 30, 8, 24, 36, 28, 10, 18, 28],
    }),
    rows: (input) =>
      (input.dialIns ?? [])
        .slice(0, XLSX_MAX_DATA_ROWS)
        .map((d) =>
          dialInCells(d, input.locale).map((c) => (typeof c === 'string' ? cellText(c) : c)),
        ),
    when: (input) => input.dialIns !== undefined && input.dialIns.length > 0,
  },
];

function rplColumns(input: ReportInput): { header: string[]; widths: number[] } {
  const r = rplLabelsFor(input.locale);
  return {
    header: [
      r.partner,
      r.customer,
      r.customerName,
      r.trigger,
      r.openedAt,
      r.ageMinutes,
      r.age,
      r.lastStatus,
      r.attempts,
      r.unreachable,
      r.overdue,
      r.candidate,
    ],
    widths: [16, 24, 30, 22, 22, 12, 14, 20, 12, 12, 10, 40],
  };
}

/** Open RPL reviews (or, with `candidates`, only the deprovisioning candidates among them). */
function rplRows(input: ReportInput, l: ReportLabels, candidates: boolean): TonedRow[] {
  const r = rplLabelsFor(input.locale);
  const n = (v: number) => formatCount(input.locale, v);
  return (input.rpl?.open ?? [])
    .filter((c) => !candidates || c.reasons.length > 0)
    .map((c) => ({
      cells: [
        cellText(c.partner),
        cellText(c.externalId),
        cellText(c.customerName),
        r.triggerName[c.trigger] ?? c.trigger,
        c.openedAt,
        c.ageMinutes,
        r.daysHours(n(Math.floor(c.ageMinutes / 1440)), n(Math.floor(c.ageMinutes / 60) % 24)),
        c.lastStatus,
        c.attempts,
        c.unreachableAttempts,
        c.overdue ? l.yes : l.no,
        c.reasons.map((x) => r.reasonName[x] ?? x).join('; '),
      ],
      tones: {
        ...(c.overdue ? { 10: 'warn' as const } : {}),
        ...(c.reasons.length > 0 ? { 11: 'bad' as const } : {}),
      },
    }));
}

/** One row per partner the run touched (the partner sections of report.html). */
function partnerRows(input: ReportInput): TonedRow[] {
  return planPartnerViews(input).map((v) => ({
    cells: [
      cellText(v.partner),
      v.files.length,
      v.rows.total,
      v.rows.accepted,
      v.rows.rejected,
      ...CHANGE_KEYS.map((k) => v.customers[k] + v.subscribers[k]),
      v.rplOpen.length,
      cellText(v.resultsFiles.map((f) => f.name).join('; ')),
    ],
    tones: {
      ...(v.rows.rejected > 0 ? { 4: 'bad' as const } : {}),
      ...(v.customers.failed + v.subscribers.failed > 0 ? { 9: 'bad' as const } : {}),
    },
  }));
}

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
    for (const sheet of XLSX_SECTIONS) {
      if (sheet.when !== undefined && !sheet.when(input)) continue;
      const { header, widths } = sheet.columns(input, l);
      await addTableSheet(workbook, sheet.name, header, widths, sheet.rows(input, l));
    }
    if (input.billing !== undefined) {
      const sheet = billingSheet(input.billing, input.locale);
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
  rows: Iterable<Row>,
): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = widths.map((width) => ({ width }));
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF1F5' } };
  head.commit();
  let last = 1;
  for (const values of rows) {
    const row = sheet.addRow(Array.isArray(values) ? values : values.cells);
    if (!Array.isArray(values))
      for (const [column, tone] of Object.entries(values.tones)) {
        if (tone === undefined) continue;
        const cell = row.getCell(Number(column) + 1);
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: TONE_ARGB[tone].fill } };
        cell.font = { color: { argb: TONE_ARGB[tone].font }, bold: true };
      }
    row.commit();
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
function* reconciliationRows(lines: readonly ReconcileLine[], locale: Locale): Generator<Row> {
  let shown = 0;
  for (const line of lines) {
    if (line.category === 'inSync') continue;
    const base = reconciliationCsvRow(line, locale).map((c) => cellText(c));
    for (const d of line.diffs.length > 0 ? line.diffs : [null]) {
      if (shown++ >= XLSX_MAX_DATA_ROWS) return;
      yield {
        cells: [...base, cellText(d?.field), cellText(d?.webex), cellText(d?.expected)],
        tones: { [CATEGORY_COLUMN]: CATEGORY_TONE[line.category] ?? 'gray' },
      };
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

function summaryRows(input: ReportInput, l: ReportLabels): Row[] {
  const s: Summary = input.summary;
  const run = l.reportTitle;
  const rows: Row[] = [
    [run, l.runId, s.runId],
    [run, l.job, s.job],
    {
      cells: [run, l.status, l.runStatus[s.status] ?? s.status],
      tones: { 2: STATUS_TONE[s.status] ?? 'gray' },
    },
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
    rows.push({
      cells: [l.needsYou, cellText(a.partner ?? ''), cellText(`${a.count}: ${a.message}`)],
      tones: { 0: 'warn' },
    });
  for (const note of s.notes) rows.push([l.notes, '', cellText(note)]);
  return rows;
}
