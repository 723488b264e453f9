import { promises as fs } from 'node:fs';
import path from 'node:path';
import { partnerConfig, type Locale } from '../config/index.ts';
import type { FileSummary, IssueRecord } from '../reports/summary.ts';
import {
  createRunRules,
  hashDesired,
  renderDefaultNote,
  renderRowMessage,
  type IssueCode,
  type RowIssue,
  type RowRecord,
  type RunRules,
  type SubscriberDesired,
} from '../rules/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  ensurePartner,
  findProcessedFile,
  loadCustomers,
  loadSubscribers,
  recordFile,
  stageFile,
  setStoredPath,
  type FileRecord,
  type StagedRow,
} from '../store/index.ts';
import { decodeText, LOCALE_ENCODING, suggestEncoding } from './decode.ts';
import { columnLabel } from './headers.ts';
import {
  claimCandidate,
  endClaim,
  listCandidates,
  recoverClaims,
  releaseClaim,
  listPartnerFolders,
  moveInto,
  readCandidate,
  storedExtension,
  type Candidate,
  type PartnerFolder,
} from './pickup.ts';
import { writeResultsFiles } from './results.ts';
import { readWorkbook } from './xlsx/index.ts';
import { hasRecognisableHeader, readCsv } from './read-csv.ts';
import type { ParsedSheet, SheetRow } from './sheet.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** A file read and parsed, waiting for its turn (customer sheets go before subscriber sheets). */
interface ParsedFile {
  candidate: Candidate;
  sha256: string;
  size: number;
  encoding: string | null;
  format: 'csv' | 'xlsx';
  /** One sheet for a text file; a workbook's customers and subscribers sheets. */
  sheets: ParsedSheet[];
  /** Text files: the delimiter, for the results file. */
  delimiter?: string;
}

type Rejection = { code: IssueCode; message: string };

/** Picks up stable files from every partner inbox, validates them and stages accepted rows. */
export async function runImport(ctx: RunContext): Promise<void> {
  const { folders, ignored } = await listPartnerFolders(ctx.config.home);
  for (const name of ignored)
    ctx.tally.notes.push(
      `inbox/${name} is not a partner folder (letters, digits, . _ - only) and was not read.`,
    );
  const realTarget = Boolean(ctx.config.webex.baseUrl);
  for (const folder of folders) {
    if (ctx.partnerFilter && folder.partner !== ctx.partnerFilter) continue;
    if (realTarget && !ctx.config.partners[folder.partner]) {
      ctx.tally.notes.push(
        `inbox/${folder.partner} has no partner entry in the configuration and was not read.`,
      );
      continue;
    }
    if (ctx.signal.aborted) break;
    await importPartner(ctx, folder);
  }
}

async function importPartner(ctx: RunContext, folder: PartnerFolder): Promise<void> {
  const { partner } = folder;
  const settings = partnerConfig(ctx.config, partner);
  const legacy = settings.encoding ?? LOCALE_ENCODING[settings.locale];
  const log = ctx.log.child({ partner });
  if (!ctx.dryRun)
    await ensurePartner(ctx.db, partner, settings.locale, ctx.clock.now().toISOString());

  if (!ctx.dryRun) {
    const restored = await recoverClaims(folder.dir);
    if (restored > 0) log.warn(`put back ${restored} file(s) an interrupted run had claimed`);
  }
  const parsed: ParsedFile[] = [];
  for (const found of await listCandidates(
    folder.dir,
    ctx.config.inbox.stableSeconds,
    Date.now(),
  )) {
    if (ctx.signal.aborted) return;
    // A dry run reads files where they lie; a real run first takes them out of the drop zone.
    let candidate: Candidate = found;
    if (!ctx.dryRun) {
      const claim = await claimCandidate(folder.dir, found, storedName(ctx, found.name));
      if (!claim) continue;
      candidate = { ...found, path: claim.path, claim };
    }
    const result = await readAndParse(ctx, partner, candidate, legacy);
    if (result) parsed.push(result);
  }
  if (parsed.length === 0) return;
  // One set of run rules per partner: quotas and keys carry across all its files (R-PKG-3).
  const rules = createRunRules(
    {
      locale: settings.locale,
      provisioningId: settings.provisioningId,
      addonsEnabled: settings.addons,
    },
    {
      customers: await loadCustomers(ctx.db, partner),
      subscribers: await loadSubscribers(ctx.db, partner),
    },
  );
  // Every customer sheet before any subscriber sheet, so a user can name a customer of this run.
  const checked = new Map<ParsedFile, StagedRow[]>(parsed.map((f) => [f, []]));
  for (const kind of ['customers', 'subscribers'] as const) {
    for (const file of parsed) {
      for (const sheet of file.sheets.filter((sh) => sh.map.kind === kind)) {
        checked.get(file)?.push(...checkSheet(ctx, partner, settings.locale, file, sheet, rules));
      }
    }
  }
  for (const file of parsed) {
    if (ctx.signal.aborted) return;
    const staged = checked.get(file) ?? [];
    const fileId = await stageParsedFile(ctx, partner, file, staged);
    if (fileId !== null) await writeResultsFiles(ctx, [fileId]);
    log.info(`imported ${file.candidate.name}`, { rows: staged.length });
  }
}

/** Reads one candidate; files that cannot be processed are recorded and moved here and return null. */
async function readAndParse(
  ctx: RunContext,
  partner: string,
  candidate: Candidate,
  legacy: string,
): Promise<ParsedFile | null> {
  const base = { partner, candidate };
  if (!candidate.regular) {
    await rejectFile(ctx, base, null, {
      code: 'FILE_NOT_REGULAR',
      message: 'this is a link or special file, not a regular file: upload the file itself',
    });
    return null;
  }
  const read = await readCandidate(candidate.path);
  if (!read.ok && read.code === 'CHANGED') {
    if (candidate.claim) await releaseClaim(candidate.claim);
    ctx.tally.notes.push(`inbox/${partner}/${candidate.name}: ${read.message}.`);
    return null;
  }
  if (!read.ok) {
    await rejectFile(ctx, base, null, read);
    return null;
  }
  const duplicate = await findProcessedFile(ctx.db, partner, read.sha256);
  if (duplicate) {
    await recordDuplicate(ctx, partner, candidate, read.sha256, read.size, duplicate);
    return null;
  }
  const bytes = read.bytes;
  const known = { sha256: read.sha256, size: read.size };
  if (startsWith(bytes, CFB_MAGIC)) {
    await rejectFile(ctx, base, known, {
      code: 'FILE_FORMAT',
      message: 'password-protected workbook or legacy .xls: save as .xlsx without a password',
    });
    return null;
  }
  if (startsWith(bytes, ZIP_MAGIC)) {
    const workbook = await readWorkbook(candidate.path);
    if (!workbook.ok) {
      await rejectFile(ctx, base, known, workbook);
      return null;
    }
    for (const note of workbook.notes)
      ctx.tally.notes.push(`${partner}/${candidate.name}: ${note}`);
    const bad = workbook.sheets.find(
      (sh) => sh.map.missing.length > 0 || sh.map.duplicated.length > 0,
    );
    if (bad) {
      await rejectFile(ctx, base, known, headerProblem(bad));
      return null;
    }
    if (workbook.sheets.every((sh) => sh.rows.length === 0)) {
      await rejectFile(ctx, base, known, {
        code: 'FILE_EMPTY',
        message: 'the workbook has headers but no data rows',
      });
      return null;
    }
    return {
      candidate,
      sha256: read.sha256,
      size: read.size,
      encoding: null,
      format: 'xlsx',
      sheets: workbook.sheets,
    };
  }

  if (candidate.name.toLowerCase().endsWith('.xlsx')) {
    await rejectFile(ctx, base, known, {
      code: 'FILE_FORMAT',
      message:
        'this file is named .xlsx but is not a workbook (it looks like text): name it .csv, or save it from Excel as .xlsx',
    });
    return null;
  }
  const decoded = decodeText(bytes, legacy);
  if (!decoded.ok) {
    await rejectFile(ctx, base, known, decoded);
    return null;
  }
  const csv = await readCsv(decoded.text);
  if (!csv.ok && csv.code === 'FILE_HEADER' && !decoded.encoding.startsWith('utf')) {
    // A header that appears under another legacy encoding means the bytes are in that one.
    const other = suggestEncoding(bytes, decoded.encoding, hasRecognisableHeader);
    if (other) {
      await rejectFile(
        ctx,
        base,
        { ...known, encoding: decoded.encoding },
        {
          code: 'FILE_ENCODING',
          message: `the text reads as ${other}, not ${decoded.encoding} as configured for this partner: save it as "CSV UTF-8", or set partners.${partner}.encoding to ${other} (tried utf-8, ${decoded.encoding})`,
        },
      );
      return null;
    }
  }
  if (!csv.ok) {
    await rejectFile(ctx, base, { ...known, encoding: decoded.encoding }, csv);
    return null;
  }
  if (csv.sheet.map.missing.length > 0 || csv.sheet.map.duplicated.length > 0) {
    await rejectFile(
      ctx,
      base,
      { ...known, encoding: decoded.encoding },
      headerProblem({ ...csv.sheet, name: '' }),
    );
    return null;
  }
  if (csv.sheet.rows.length === 0) {
    await rejectFile(
      ctx,
      base,
      { ...known, encoding: decoded.encoding },
      { code: 'FILE_EMPTY', message: 'the sheet has a header but no data rows' },
    );
    return null;
  }
  return {
    candidate,
    sha256: read.sha256,
    size: read.size,
    encoding: decoded.encoding,
    format: 'csv',
    sheets: [{ ...csv.sheet, name: '' }],
    delimiter: csv.sheet.delimiter,
  };
}

/** Checks every row of one sheet against the run's rules; nothing is written. */
function checkSheet(
  ctx: RunContext,
  partner: string,
  locale: Locale,
  file: ParsedFile,
  sheet: ParsedSheet,
  rules: RunRules,
): StagedRow[] {
  const kind = sheet.map.kind;
  const label = (c: string | null) => (c ? columnLabel(kind, c, locale) : null);
  const at = `${file.candidate.name}\u0000${file.sha256}`;
  return sheet.rows.map((sheetRow): StagedRow => {
    const { row } = sheetRow;
    const { record, cellIssues } = readRow(sheet.map.columns, sheetRow);
    // Cells the workbook itself made untrustworthy speak for their column; the rules see them empty.
    const flagged = new Set(cellIssues.map((i) => i.column));
    const check =
      kind === 'customers'
        ? rules.checkCustomer(record, { file: at, row })
        : rules.checkSubscriber(record, { file: at, row });
    const issues = [
      ...cellIssues,
      ...check.issues.filter((i) => !i.column || !flagged.has(i.column)),
    ];
    if ('defaults' in check) {
      for (const note of check.defaults) {
        ctx.tally.notes.push(
          `${partner}/${file.candidate.name}: ${renderDefaultNote(note, ctx.config.reportLocale, row, columnLabel(kind, note.column, ctx.config.reportLocale))}`,
        );
      }
    }
    let desired: StagedRow['desired'];
    if (issues.length === 0 && check.value) {
      const doc =
        'meetings' in check && check.meetings
          ? { ...check.value, meetingsDialIn: check.meetings }
          : check.value;
      desired = { action: check.value.action, hash: hashDesired(doc), doc };
      if (kind === 'subscribers') {
        const sub = check.value as SubscriberDesired;
        desired.customerExternalId = sub.customerExternalId;
        desired.email = sub.email;
      }
    }
    return {
      sheet: sheet.name,
      row,
      kind: kind === 'customers' ? 'customer' : 'subscriber',
      entityKey: check.key,
      issues: issues.map((i) => ({
        ...i,
        message: renderRowMessage(i.code, i.params, locale, row, label(i.column)),
      })),
      ...(desired ? { desired } : {}),
    };
  });
}

/** Records a checked file and its rows in one transaction, archives it, and tallies it. */
async function stageParsedFile(
  ctx: RunContext,
  partner: string,
  file: ParsedFile,
  staged: StagedRow[],
): Promise<number | null> {
  const kinds = new Map(file.sheets.map((sh) => [sh.name, sh.map.kind]));
  const now = ctx.clock.now().toISOString();
  const record: FileRecord = {
    partner,
    runId: ctx.runId,
    name: file.candidate.name,
    sha256: file.sha256,
    size: file.size,
    format: file.format,
    encoding: file.encoding,
    status: 'processed',
    code: null,
    message: null,
    storedPath: null,
    duplicateOf: null,
    details: {
      delimiter: file.delimiter,
      headerRow: file.sheets[0]?.headerRow,
      sheets: file.sheets.map((sh) => ({
        name: sh.name,
        kind: sh.map.kind,
        headerRow: sh.headerRow,
        rows: sh.rows.length,
      })),
    },
    now,
  };
  let fileId: number | null = null;
  if (!ctx.dryRun) {
    fileId = await ctx.db.transaction((trx) => stageFile(trx, record, staged));
    // The ledger has the rows now; a crash before the move makes the next run see a duplicate.
    const storedPath = await settle(ctx, 'archive', partner, file.candidate);
    await setStoredPath(ctx.db, fileId, storedPath);
  }

  const accepted = staged.filter((r) => r.desired).length;
  const rows = { total: staged.length, accepted, rejected: staged.length - accepted };
  ctx.tally.rows = {
    total: ctx.tally.rows.total + rows.total,
    accepted: ctx.tally.rows.accepted + rows.accepted,
    rejected: ctx.tally.rows.rejected + rows.rejected,
  };
  ctx.tally.files.push({
    ...fileSummary(
      partner,
      file.candidate.name,
      file.sha256,
      file.format,
      file.encoding,
      'processed',
      null,
      null,
    ),
    rows,
  });
  const reportLocale = ctx.config.reportLocale;
  for (const r of staged) {
    const kind = kinds.get(r.sheet) ?? 'customers';
    for (const i of r.issues) {
      const label = i.column ? columnLabel(kind, i.column, reportLocale) : null;
      ctx.tally.issues.push({
        partner,
        file: file.candidate.name,
        sheet: r.sheet || null,
        row: r.row,
        column: label,
        value: i.value,
        code: i.code,
        message: renderRowMessage(i.code as IssueCode, i.params, reportLocale, r.row, label),
      });
    }
  }
  return fileId;
}

/** FILE_HEADER naming the required columns missing and the columns given twice. */
function headerProblem(sheet: ParsedSheet): Rejection {
  const { map } = sheet;
  const parts = [
    map.missing.length ? `required column missing: ${map.missing.join(', ')}` : '',
    map.duplicated.length ? `column given twice: ${map.duplicated.join(', ')}` : '',
  ].filter(Boolean);
  const where = sheet.name ? `sheet ${JSON.stringify(sheet.name)}, ` : '';
  return { code: 'FILE_HEADER', message: `${where}${parts.join('; ')} (${map.kind} sheet)` };
}

/** Columns a spreadsheet damages when it stores them as numbers (VALUE_DAMAGED). */
const TEXT_ONLY_COLUMNS: ReadonlySet<string> = new Set(['phone_number', 'zip_or_postal_code']);

/** One row by canonical column (trimmed, NFKC), with the issues of cells a workbook made untrustworthy. */
function readRow(
  columns: (string | null)[],
  sheetRow: SheetRow,
): { record: RowRecord; cellIssues: RowIssue[] } {
  const record: Record<string, string> = {};
  const cellIssues: RowIssue[] = [];
  columns.forEach((canonical, i) => {
    if (!canonical) return;
    const value = (sheetRow.cells[i] ?? '').normalize('NFKC').trim();
    const flag = sheetRow.cellFlags?.[i];
    if (flag) {
      cellIssues.push({ code: flag, column: canonical, value, params: { value } });
      record[canonical] = '';
    } else if (
      sheetRow.cellTypes?.[i] === 'number' &&
      TEXT_ONLY_COLUMNS.has(canonical) &&
      value !== ''
    ) {
      cellIssues.push({
        code: 'VALUE_DAMAGED',
        column: canonical,
        value,
        params: { value, damage: 'stored as a number' },
      });
      record[canonical] = '';
    } else {
      record[canonical] = value;
    }
  });
  return { record, cellIssues };
}

/** Records a file that is not processed and moves it to quarantine with its reason. */
async function rejectFile(
  ctx: RunContext,
  base: { partner: string; candidate: Candidate },
  known: { sha256: string; size: number; encoding?: string } | null,
  why: Rejection,
): Promise<void> {
  const { partner, candidate } = base;
  const format = candidate.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  const summary = fileSummary(
    partner,
    candidate.name,
    known?.sha256 ?? null,
    why.code === 'FILE_FORMAT' ? null : format,
    known?.encoding ?? null,
    'quarantined',
    why.code,
    why.message,
  );
  ctx.tally.files.push(summary);
  const issue: IssueRecord = {
    partner,
    file: candidate.name,
    sheet: null,
    row: null,
    column: null,
    value: null,
    code: why.code,
    message: why.message,
  };
  ctx.tally.issues.push(issue);
  ctx.log.warn(`quarantined ${candidate.name}: ${why.code} ${why.message}`, { partner });
  if (ctx.dryRun) return;
  const now = ctx.clock.now().toISOString();
  const storedPath = await settle(ctx, 'quarantine', partner, candidate);
  const reason = `${why.code}: ${why.message}\nfile: ${JSON.stringify(candidate.name)}\nrun: ${ctx.runId}\nat: ${now}\n`;
  await fs.writeFile(path.join(ctx.config.home, storedPath + '.reason.txt'), reason, {
    flag: 'wx',
  });
  await recordFile(ctx.db, {
    partner,
    runId: ctx.runId,
    name: candidate.name,
    sha256: known?.sha256 ?? null,
    size: known?.size ?? candidate.size,
    format: summary.format,
    encoding: summary.encoding,
    status: 'quarantined',
    code: why.code,
    message: why.message,
    storedPath,
    duplicateOf: null,
    details: null,
    now,
  });
}

async function recordDuplicate(
  ctx: RunContext,
  partner: string,
  candidate: Candidate,
  sha256: string,
  size: number,
  original: { id: number; name: string; createdAt: string },
): Promise<void> {
  const message = `the same bytes were imported on ${original.createdAt} as ${JSON.stringify(original.name)}; no row was processed again`;
  ctx.tally.files.push(
    fileSummary(
      partner,
      candidate.name,
      sha256,
      null,
      null,
      'duplicate',
      'FILE_DUPLICATE',
      message,
    ),
  );
  ctx.log.info(`duplicate ${candidate.name}`, { partner });
  if (ctx.dryRun) return;
  const storedPath = await settle(ctx, 'archive', partner, candidate);
  await recordFile(ctx.db, {
    partner,
    runId: ctx.runId,
    name: candidate.name,
    sha256,
    size,
    format: null,
    encoding: null,
    status: 'duplicate',
    code: 'FILE_DUPLICATE',
    message,
    storedPath,
    duplicateOf: original.id,
    details: null,
    now: ctx.clock.now().toISOString(),
  });
}

/** Moves a file that is done with into archive/ or quarantine/ under the name its claim gave it. */
async function settle(
  ctx: RunContext,
  area: 'archive' | 'quarantine',
  partner: string,
  candidate: Candidate,
): Promise<string> {
  const name = candidate.claim
    ? path.basename(candidate.claim.path)
    : storedName(ctx, candidate.name);
  const storedPath = await moveInto(ctx.config.home, area, partner, candidate.path, name);
  if (candidate.claim) await endClaim(candidate.claim);
  return storedPath;
}

let stored = 0;
/** A name for a stored copy built from the run, never from the partner's file name. */
function storedName(ctx: RunContext, original: string): string {
  stored += 1;
  return `${ctx.runId}-${String(stored).padStart(4, '0')}${storedExtension(original)}`;
}

function fileSummary(
  partner: string,
  name: string,
  sha256: string | null,
  format: 'csv' | 'xlsx' | null,
  encoding: string | null,
  status: FileSummary['status'],
  code: string | null,
  message: string | null,
): FileSummary {
  return {
    partner,
    name,
    sha256,
    format,
    encoding,
    status,
    code,
    message,
    rows: { total: 0, accepted: 0, rejected: 0 },
  };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
