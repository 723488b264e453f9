import { promises as fs } from 'node:fs';
import type { Knex } from 'knex';
import path from 'node:path';
import { wallClock } from '../clock/index.ts';
import { partnerConfig, type Locale } from '../config/index.ts';
import { addAttention, addRows, type FileSummary, type IssueRecord } from '../reports/index.ts';
import {
  createRunRules,
  refuses,
  type CustomerDesired,
  type IssueCode,
  type RunRules,
} from '../rules/index.ts';
import {
  crashPoint,
  describePartnerFault,
  LeaseLostError,
  PartnerFolderFault,
} from '../faults/index.ts';
import type { DryRunDesired } from '../provision/index.ts';
import type { RunContext } from '../runs/index.ts';
import {
  addImportReport,
  ImportFailedError,
  importContext,
  type ImportContext,
  type ImportOptions,
  type ImportReport,
} from './import-report.ts';
import {
  beginFile,
  ensurePartner,
  findProcessedFile,
  finishFile,
  listUnarchivedFiles,
  loadCustomers,
  loadSubscribers,
  readResultsSource,
  recordFile,
  releaseStatements,
  setStoredPath,
  stageRows,
  type FileRecord,
  type ProcessedFile,
  type StagedRow,
} from '../store/index.ts';
import { checkBatch, type CheckedRow } from './check-batch.ts';
import { precheckNote, sendPrechecks, type PrecheckEntry } from './precheck.ts';
import { unsupportedFormatMessage } from './unsupported-format.ts';
import { guessLegacyEncoding, LOCALE_ENCODING, SUSPICIOUS, suggestEncoding } from './decode.ts';
import { sheetLocale, type HeaderMap } from '../sheets/index.ts';
import {
  claimCandidate,
  endClaim,
  findArchivedCopy,
  listCandidates,
  listPartnerFolders,
  moveInto,
  nameStamp,
  openClaimFolder,
  recoverClaims,
  releaseClaim,
  storedExtension,
  CLAIM_DIR,
  type Candidate,
  type PartnerFolder,
  type Recovery,
} from './pickup.ts';
import {
  ImportResults,
  removeStaleResults,
  renderDefaultsNote,
  reportIssue,
  withdrawResults,
  writeResultsFile,
  writeResultsFiles,
} from '../results/index.ts';
import { hasRecognisableHeader, NO_HEADER_MESSAGE } from './read-csv.ts';
import type { SheetRow } from './sheet.ts';
import {
  checkUnchanged,
  chooseEncoding,
  fileBytes,
  FileRefusal,
  headText,
  linkRefusal,
  openInboxFile,
  ROW_BATCH,
  scanFile,
  streamCsvRows,
  textHeader,
  wrongLegacyTable,
  type OpenedFile,
  type Scan,
  type TextEncoding,
  type TextHeader,
} from './text-stream.ts';
import { readWorkbookInBatches } from './xlsx/index.ts';
import {
  SIMULATOR_PROVISIONING_ID,
  usesRealWebex,
  type WebexPort,
  type WebexTargets,
} from '../webex/index.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** A file opened, hashed and recognised, waiting for its turn to be read row by row. */
interface Source {
  candidate: Candidate;
  opened: OpenedFile;
  sha256: string;
  size: number;
  format: 'csv' | 'xlsx';
  /** Text files: how the bytes decode, and the header found in the first chunk. */
  text?: { encoding: TextEncoding; header: TextHeader };
}

/** A sheet as the rows of a file are read: its name ('' for text), header and canonical columns. */
interface SheetInfo {
  name: string;
  header: string[];
  headerRow: number;
  map: HeaderMap;
  rows: number;
  /** The language of its row messages and results (sheetLocale). */
  locale: Locale;
}

type Rejection = { code: IssueCode | FileRefusal['code']; message: string };

/** The partner's run rules; rebuilt from the ledger when a file is refused after some of its rows. */
interface PartnerRun {
  partner: string;
  locale: Locale;
  /** The partner's locale and whether an operator set it (sheetLocale). */
  settings: { locale: Locale; localeConfigured: boolean };
  rules: RunRules;
  rebuild(): Promise<void>;
  /** Partner `precheck: true`: where accepted rows are sent to Webex's /validate before staging. */
  precheck: Precheck | null;
  /** A dry run's accepted rows, kept instead of staged (the run's, across partners). */
  desired: DryRunDesired;
}

/** The remote precheck of one partner's run (issue 5), batch by batch as rows are checked. */
interface Precheck {
  port: WebexPort;
  webexCustomerIds: Map<string, string>;
  /** The ledger's customers and this run's accepted ones, by external id. */
  customers: Map<string, CustomerDesired>;
  /** Set once Webex was unreachable or refused the token: the rest go on unchecked. */
  stopped: boolean;
}

/** The Webex targets an import needs only for the remote precheck; opened on first use. */
export type OpenTargets = () => Promise<WebexTargets>;

/**
 * Picks up stable files from every partner inbox, validates them and stages accepted rows, and
 * returns what it did. A dry run stages nothing and returns the accepted rows (`desired`), for the
 * planner to lay over the ledger. An import that fails part-way throws ImportFailedError, which
 * carries what it did before.
 */
export async function runImport(
  run: RunContext,
  openTargets?: OpenTargets,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const ctx = importContext(run, opts);
  try {
    await importAll(ctx, openTargets);
  } catch (err) {
    throw new ImportFailedError(err, ctx.out);
  }
  return ctx.out;
}

/**
 * Runs the import of a job (`import`, `nightly`) and adds what it did to the run's tally, also
 * when it failed part-way (a failed run still reports the files it finished); returns its report.
 */
export async function importForRun(
  run: RunContext,
  openTargets?: OpenTargets,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  try {
    const report = await runImport(run, openTargets, opts);
    addImportReport(run.tally, report);
    return report;
  } catch (err) {
    if (!(err instanceof ImportFailedError)) throw err;
    addImportReport(run.tally, err.partial);
    throw err.cause;
  }
}

async function importAll(ctx: ImportContext, openTargets?: OpenTargets): Promise<void> {
  const { folders, ignored } = await listPartnerFolders(ctx.config.home);
  if (folders.length === 0) await sayWhereFilesGo(ctx);
  for (const name of ignored)
    ctx.out.notes.push(
      `inbox/${name} is not a partner folder (letters, digits, . _ - only) and was not read.`,
    );
  const realTarget = Boolean(ctx.config.webex.baseUrl);
  for (const folder of folders) {
    if (ctx.partnerFilter && folder.partner !== ctx.partnerFilter) continue;
    if (realTarget && !ctx.config.partners[folder.partner]) {
      ctx.out.notes.push(
        `inbox/${folder.partner} has no partner entry in the configuration and was not read.`,
      );
      continue;
    }
    if (ctx.signal.aborted) break;
    try {
      await importPartner(ctx, folder, openTargets);
    } catch (err) {
      // A fault of one partner's folders is that partner's: it is skipped with the reason, and
      // the others are read. Anything else (the ledger, a full disk, a bug) fails the run.
      const fault = describePartnerFault(err, ctx.config.home, folder.partner);
      if (fault === null) throw err;
      const reason =
        err instanceof PartnerFolderFault
          ? fault
          : `${fault}, so the rest of ${folder.partner}'s files wait in the inbox; put that right and the next run reads them`;
      await skipPartner(ctx, folder.partner, reason);
    }
  }
  if (ctx.signal.aborted) await countUnread(ctx, folders);
}

/**
 * A workspace with no partner folder yet (a fresh `init`, or an inbox/ removed): the inbox is made
 * again (a dry run makes nothing) and the run says where files go, rather than ending "ok" with
 * nothing read and no word why.
 */
async function sayWhereFilesGo(ctx: ImportContext): Promise<void> {
  const inbox = path.join(ctx.config.home, 'inbox');
  if (!ctx.dryRun) await fs.mkdir(inbox, { recursive: true });
  ctx.out.notes.push(
    `no partner folder in ${inbox}: put each partner's files in ${path.join(inbox, '<partner>')}/ (one folder per partner, named by its id), then run again.`,
  );
}

/** Whether the run stopped because another run took its lock. */
function lostLock(ctx: ImportContext): boolean {
  return ctx.signal.reason instanceof LeaseLostError;
}

/** A run stopped before it read every file: what it left in the inboxes needs a person to know. */
async function countUnread(ctx: ImportContext, folders: PartnerFolder[]): Promise<void> {
  for (const folder of folders) {
    if (ctx.partnerFilter && folder.partner !== ctx.partnerFilter) continue;
    const listed = await listCandidates(
      folder.dir,
      ctx.config.inbox.stableSeconds,
      wallClock.nowMs(),
    ).catch(() => ({ ready: [] }));
    const left = listed.ready.filter((c) => !c.unsupported);
    if (left.length === 0) continue;
    addAttention(ctx.out.attention, {
      kind: 'files_unread',
      partner: folder.partner,
      count: left.length,
      message: `the run was stopped before it read ${left.length} file(s) in inbox/${folder.partner}; the next run reads them.`,
    });
  }
}

/**
 * A partner whose folders the run cannot use: it needs a person (attention), and the reason goes
 * beside the partner's refused files too (quarantine/<partner>/<run>-inbox.reason.txt).
 */
async function skipPartner(ctx: ImportContext, partner: string, reason: string): Promise<void> {
  ctx.log.child({ partner }).warn(`partner skipped: ${reason}`);
  addAttention(ctx.out.attention, { kind: 'partner_folder', partner, count: 1, message: reason });
  if (ctx.dryRun) return;
  const text = `${reason}\nrun: ${ctx.runId}\nat: ${ctx.clock.now().toISOString()}\n`;
  const dir = path.join(ctx.config.home, 'quarantine', partner);
  // The attention item carries the reason already: a quarantine folder that fails too adds nothing.
  await fs
    .mkdir(dir, { recursive: true })
    .then(() => fs.writeFile(path.join(dir, `${ctx.runId}-inbox.reason.txt`), text, { flag: 'wx' }))
    .catch(() => undefined);
}

async function importPartner(
  ctx: ImportContext,
  folder: PartnerFolder,
  openTargets: OpenTargets | undefined,
): Promise<void> {
  const { partner } = folder;
  const settings = partnerConfig(ctx.config, partner);
  // The encoding of a text file that is not UTF-8: configured, the locale's, or judged by content.
  const legacy = {
    encoding: settings.encoding ?? LOCALE_ENCODING[settings.locale],
    guess: settings.encoding === undefined && !settings.localeConfigured,
  };
  const log = ctx.log.child({ partner });
  const stamp = nameStamp(ctx.clock.now());
  // Checked without following links; a dry run makes nothing, so a missing one stays missing.
  const claimFolder = await openClaimFolder(folder, !ctx.dryRun);
  // A dry run checks the claim folder as the real run does but never claims: with the folder left
  // by an earlier real run, it used to move the files into it and leave them there.
  const claims = ctx.dryRun ? null : claimFolder;
  if (!ctx.dryRun && claims) {
    await ensurePartner(ctx.db, partner, settings.locale, ctx.clock.now().toISOString());
    reportRecovery(ctx, partner, await recoverClaims(claims, stamp));
    const removed = await removeStaleResults(ctx.config.home, partner);
    if (removed > 0)
      log.warn(`removed ${removed} unfinished results file(s) an interrupted run left`);
    await finishArchivedFiles(ctx, partner);
  }
  const sources: Source[] = [];
  try {
    // File times are the file system's: settling is measured on the wall clock, not the run's.
    const listing = await listCandidates(
      folder.dir,
      ctx.config.inbox.stableSeconds,
      wallClock.nowMs(),
    );
    reportWaiting(ctx, partner, listing.waiting);
    for (const found of listing.ready) {
      if (ctx.signal.aborted) break;
      // A dry run reads files where they lie; a real run first takes them out of the drop zone.
      let candidate: Candidate = found;
      if (claims) {
        const claim = await claimCandidate(claims, found, storedName(ctx, found.name));
        if (!claim) continue;
        candidate = { ...found, path: claim.path, claim };
      }
      const source = await probe(ctx, partner, candidate, legacy);
      if (source) sources.push(source);
    }
    // A stop that came while the files were claimed skips to the end, which gives them back (a
    // return here skipped that, and left them in the claim folder for the next run).
    if (sources.length > 0 && !ctx.signal.aborted)
      await importSources(ctx, { partner, settings, openTargets }, sources);
  } catch (err) {
    // The files claimed and not yet read go back to the inbox now, not at the next run's start
    // (unless the lock was lost: the run that holds it now handles the drop zone).
    if (!ctx.dryRun && claims && !lostLock(ctx))
      await recoverClaims(claims, stamp).then(
        (found) => reportRecovery(ctx, partner, found, 'this run'),
        () => undefined,
      );
    throw err;
  } finally {
    for (const source of sources) await source.opened.handle.close().catch(() => undefined);
  }
  // A stop between claim and read leaves claims behind: they go back for the next run (unless
  // the lock was lost: the run that holds it now handles the drop zone).
  if (!ctx.dryRun && claims && ctx.signal.aborted && !lostLock(ctx))
    reportRecovery(ctx, partner, await recoverClaims(claims, stamp), 'this run');
}

/** Reads a partner's claimed files, customer sheets first, with one set of run rules. */
async function importSources(
  ctx: ImportContext,
  p: {
    partner: string;
    settings: ReturnType<typeof partnerConfig>;
    openTargets: OpenTargets | undefined;
  },
  sources: readonly Source[],
): Promise<void> {
  const { partner, settings, openTargets } = p;
  // One set of run rules per partner: quotas and keys carry across all its files (R-PKG-3).
  const run: PartnerRun = {
    partner,
    locale: settings.locale,
    settings,
    rules: await partnerRules(ctx, partner),
    async rebuild() {
      this.rules = await partnerRules(ctx, partner);
    },
    precheck: settings.precheck ? await openPrecheck(ctx, partner, openTargets) : null,
    desired: ctx.out.desired,
  };
  // Customer sheets before subscriber sheets, so a user can name a customer of this run:
  // customer CSVs, then workbooks (each reads its customers sheet first), then subscriber CSVs.
  const rank = (s: Source) =>
    s.format === 'xlsx' ? 1 : s.text?.header.map.kind === 'customers' ? 0 : 2;
  // The same bytes twice in one run: the second is a duplicate of the first once it is read.
  const imported = new Map<string, { id: number; name: string; createdAt: string }>();
  for (const source of [...sources].sort((a, b) => rank(a) - rank(b))) {
    if (ctx.signal.aborted) break;
    const first = imported.get(source.sha256);
    if (first) {
      await recordDuplicate(ctx, partner, source.candidate, source.sha256, source.size, first);
      continue;
    }
    const done = await importSource(ctx, run, source);
    if (!done) continue;
    imported.set(source.sha256, {
      id: done.fileId ?? 0,
      name: source.candidate.name,
      createdAt: ctx.clock.now().toISOString(),
    });
    if (done.fileId !== null && !done.resultsWritten && !ctx.resultsAtEnd)
      for (const item of await writeResultsFiles(ctx, [done.fileId]))
        addAttention(ctx.out.attention, item);
  }
}

/**
 * Says what recoverClaims did: files put back (a log line), files that came back under a made
 * name, and what the program never puts in a claim folder (attention: a person should know).
 */
function reportRecovery(
  ctx: ImportContext,
  partner: string,
  found: Recovery,
  who: 'an interrupted run' | 'this run' = 'an interrupted run',
): void {
  const log = ctx.log.child({ partner });
  if (found.restored > 0) log.warn(`put back ${found.restored} file(s) ${who} had claimed`);
  for (const { original, name } of found.renamed) reportRenamed(ctx, partner, original, name, who);
  const claims = `inbox/${partner}/${CLAIM_DIR}`;
  if (found.links > 0)
    addAttention(ctx.out.attention, {
      kind: 'partner_folder',
      partner,
      count: found.links,
      message: `${claims} held links, which the program never puts there: they were removed (what they point to was not touched).`,
    });
  if (found.folders.length > 0)
    addAttention(ctx.out.attention, {
      kind: 'partner_folder',
      partner,
      count: found.folders.length,
      message: `${claims} holds folders the program never makes (${found.folders.map((n) => JSON.stringify(n)).join(', ')}): move them out of it.`,
    });
}

/** A claimed file that came back to the inbox under a made name: the partner's results file follows that name. */
function reportRenamed(
  ctx: ImportContext,
  partner: string,
  original: string | null,
  name: string,
  who: 'an interrupted run' | 'this run',
): void {
  const message =
    original === null
      ? `a file ${who} had claimed had lost the note of the name it was dropped with: it was put back in inbox/${partner} as ${JSON.stringify(name)}, and is read under that name.`
      : `a file ${who} had claimed, ${JSON.stringify(original)}, could not go back under its name, which a newer upload has taken: it was put back as ${JSON.stringify(name)} beside it, and is read under that name (its results file too); check that both were meant to be read.`;
  ctx.log.child({ partner }).warn(message);
  addAttention(ctx.out.attention, { kind: 'claim_renamed', partner, count: 1, message });
}

/**
 * Files whose rows an earlier run committed, which it archived but died before recording where:
 * their archived copy is found (by that run's stored names and the file's bytes), recorded, and
 * the partner's results file written. A file still in the inbox is finished by probe.
 */
async function finishArchivedFiles(ctx: ImportContext, partner: string): Promise<void> {
  for (const file of await listUnarchivedFiles(ctx.db, partner, ctx.runId)) {
    const found = await findArchivedCopy(ctx.config.home, partner, file.runId, file.sha256);
    if (found) await finishInterrupted(ctx, partner, file, file.name, found);
  }
}

/**
 * Finishes a file whose rows an earlier run committed before it died: writes its results file,
 * which the partner would never have had, from the copy now archived at `storedPath` (null in a
 * dry run, which moves nothing), then records where that copy is. The file counts as processed
 * by this run, its rows with it.
 */
async function finishInterrupted(
  ctx: ImportContext,
  partner: string,
  file: ProcessedFile,
  name: string,
  storedPath: string | null,
): Promise<void> {
  const source = storedPath !== null ? await readResultsSource(ctx.db, file.id) : null;
  if (source && storedPath !== null) {
    // In this order: a run that dies between the two leaves the file for finishArchivedFiles.
    await writeResultsFile(ctx, { ...source, storedPath });
    await setStoredPath(ctx.db, file.id, storedPath);
  }
  const message = `its rows were checked and staged by run ${file.runId} on ${file.createdAt}, which stopped before it archived the file and wrote its results: this run did both`;
  const summary = fileSummary(
    partner,
    name,
    file.sha256,
    file.format,
    file.encoding,
    'processed',
    null,
    message,
  );
  ctx.out.files.push({ ...summary, rows: file.rows });
  ctx.out.rows = addRows(ctx.out.rows, file.rows);
  ctx.log.info(`finished ${name}: ${message}`, { partner });
}

/**
 * Files still being written (changed within `inbox.stableSeconds`) are listed, skipped: a later
 * run takes them. A person should know when one never settles (an upload that hangs).
 */
function reportWaiting(ctx: ImportContext, partner: string, waiting: Candidate[]): void {
  if (waiting.length === 0) return;
  const seconds = ctx.config.inbox.stableSeconds;
  for (const file of waiting)
    ctx.out.files.push(
      fileSummary(
        partner,
        file.name,
        null,
        null,
        null,
        'skipped',
        null,
        `still being written (changed less than ${seconds} s ago): read once it has not changed for ${seconds} s`,
      ),
    );
  addAttention(ctx.out.attention, {
    kind: 'files_waiting',
    partner,
    count: waiting.length,
    message: `${waiting.length} file(s) in inbox/${partner} were still being written and wait for the next run; one that stays here run after run is an upload that never finished.`,
  });
}

/** The partner's port and ledger look-ups for the remote precheck, or null with a note. */
async function openPrecheck(
  ctx: ImportContext,
  partner: string,
  openTargets: OpenTargets | undefined,
): Promise<Precheck | null> {
  if (!openTargets) return null;
  const got = (await openTargets()).portFor(partner);
  if ('error' in got && got.error) {
    ctx.out.notes.push(`partner ${partner}: precheck skipped: ${got.error}`);
    return null;
  }
  const webexCustomerIds = new Map<string, string>();
  const customers = new Map<string, CustomerDesired>();
  for (const c of await loadCustomers(ctx.db, partner)) {
    if (c.webexId) webexCustomerIds.set(c.externalId, c.webexId);
    customers.set(c.externalId, c.desired as CustomerDesired);
  }
  return { port: got.port as WebexPort, webexCustomerIds, customers, stopped: false };
}

/**
 * Sends a batch's accepted upserts to Webex's /validate: its errors refuse a row
 * (PRECHECK_REJECTED), its info codes inform. Webex unreachable or the token refused: one note,
 * and the rest of the partner's rows go on without a remote check.
 */
async function precheckBatch(
  ctx: ImportContext,
  run: PartnerRun,
  staged: CheckedRow[],
): Promise<void> {
  const check = run.precheck;
  if (!check || check.stopped) return;
  const rows = staged.filter((r) => r.desired?.action === 'upsert');
  if (rows.length === 0) return;
  const entries = rows.map(
    (r) => ({ kind: r.kind, row: r.row, desired: r.desired?.doc }) as PrecheckEntry,
  );
  const report = await sendPrechecks(check.port, entries, {
    signal: ctx.signal,
    webexCustomerIds: check.webexCustomerIds,
    customers: check.customers,
  });
  rows.forEach((r, i) => {
    const found = report.issues[i] ?? [];
    if (found.length === 0) return;
    r.issues.push(...found);
    if (found.some(refuses)) delete r.desired;
  });
  if (report.stopped) {
    check.stopped = true;
    const note = precheckNote(run.partner, report, ctx.config.reportLocale);
    if (note) ctx.out.notes.push(note);
  }
}

async function partnerRules(ctx: ImportContext, partner: string): Promise<RunRules> {
  const settings = partnerConfig(ctx.config, partner);
  return createRunRules(
    {
      locale: settings.locale,
      // The embedded simulator takes any template; a real Webex waits for the operator's.
      provisioningId:
        settings.provisioningId ??
        (usesRealWebex(ctx.config, partner) ? undefined : SIMULATOR_PROVISIONING_ID),
      provisioningIdLater:
        settings.provisioningId === undefined && usesRealWebex(ctx.config, partner),
      addonsEnabled: settings.addons,
    },
    {
      customers: await loadCustomers(ctx.db, partner),
      subscribers: await loadSubscribers(ctx.db, partner),
    },
  );
}

/**
 * Opens a candidate and reads it once: hash, duplicate check, format by content, encoding and
 * header. Files that cannot be processed are recorded and moved here and return null.
 */
async function probe(
  ctx: ImportContext,
  partner: string,
  candidate: Candidate,
  legacy: { encoding: string; guess: boolean },
): Promise<Source | null> {
  const base = { partner, candidate };
  if (candidate.unsupported && candidate.regular) {
    const locale = partnerConfig(ctx.config, partner).locale;
    await rejectFile(ctx, base, null, {
      code: 'FILE_FORMAT',
      message: unsupportedFormatMessage(candidate.name, locale),
    });
    addAttention(ctx.out.attention, {
      kind: 'files_unsupported',
      partner,
      count: 1,
      message: `a file in a format rtm-batch does not read was quarantined; its reason file tells the partner how to save it.`,
    });
    return null;
  }
  if (!candidate.regular) {
    await rejectFile(
      ctx,
      base,
      null,
      candidate.link
        ? linkRefusal()
        : new FileRefusal(
            'FILE_NOT_REGULAR',
            'this is a special file (a pipe, socket or device), not a regular file: upload the file itself',
          ),
    );
    return null;
  }
  let opened: OpenedFile;
  try {
    opened = await openInboxFile(candidate.path);
  } catch (err) {
    if (!(err instanceof FileRefusal)) throw err;
    await rejectFile(ctx, base, null, err);
    return null;
  }
  let keep = false;
  try {
    let scan: Scan;
    try {
      scan = await scanFile(opened);
      await checkUnchanged(opened);
    } catch (err) {
      if (err instanceof FileRefusal && err.code === 'CHANGED') {
        await putBack(ctx, partner, candidate, err.message);
        return null;
      }
      throw err;
    }
    const known = { sha256: scan.sha256, size: scan.size };
    const duplicate = await findProcessedFile(ctx.db, partner, scan.sha256);
    if (duplicate && duplicate.storedPath === null && duplicate.runId !== ctx.runId) {
      // Staged by a run that died before it archived the file: finished now, not a duplicate.
      const { storedPath } = ctx.dryRun
        ? { storedPath: null }
        : await settle(ctx, 'archive', partner, candidate);
      await finishInterrupted(ctx, partner, duplicate, candidate.name, storedPath);
      return null;
    }
    if (duplicate) {
      await recordDuplicate(ctx, partner, candidate, scan.sha256, scan.size, duplicate);
      return null;
    }
    if (scan.size === 0) {
      await rejectFile(ctx, base, known, {
        code: 'FILE_EMPTY',
        message: 'the file is empty (0 bytes)',
      });
      return null;
    }
    if (startsWith(scan.head, CFB_MAGIC)) {
      await rejectFile(ctx, base, known, {
        code: 'FILE_FORMAT',
        message: 'password-protected workbook or legacy .xls: save as .xlsx without a password',
      });
      return null;
    }
    if (startsWith(scan.head, ZIP_MAGIC)) {
      keep = true;
      return { candidate, opened, ...known, format: 'xlsx' };
    }
    if (candidate.name.toLowerCase().endsWith('.xlsx')) {
      await rejectFile(ctx, base, known, {
        code: 'FILE_FORMAT',
        message:
          'this file is named .xlsx but is not a workbook (it looks like text): name it .csv, or save it from Excel as .xlsx',
      });
      return null;
    }
    let encoding: TextEncoding;
    try {
      encoding = chooseEncoding(scan, legacy.encoding);
      if (encoding.legacy && legacy.guess) encoding = guessEncoding(ctx, partner, candidate, scan);
    } catch (err) {
      if (!(err instanceof FileRefusal)) throw err;
      await rejectFile(ctx, base, known, err);
      return null;
    }
    const withEncoding = { ...known, encoding: encoding.name };
    const head = headText(scan, encoding);
    if (encoding.legacy && SUSPICIOUS.test(head.text)) {
      await rejectFile(ctx, base, withEncoding, wrongLegacyTable(encoding.name));
      return null;
    }
    const header = textHeader(scan, encoding);
    if (!header) {
      // A header that appears under another legacy encoding means the bytes are in that one.
      const other = encoding.legacy
        ? suggestEncoding(scan.head, encoding.name, hasRecognisableHeader)
        : null;
      await rejectFile(
        ctx,
        base,
        withEncoding,
        other
          ? {
              code: 'FILE_ENCODING',
              message: `the text reads as ${other}, not ${encoding.name} as configured for this partner: save it as "CSV UTF-8", or set partners.${partner}.encoding to ${other} (tried utf-8, ${encoding.name})`,
            }
          : {
              code: 'FILE_HEADER',
              message: NO_HEADER_MESSAGE,
            },
      );
      return null;
    }
    if (header.map.missing.length > 0 || header.map.duplicated.length > 0) {
      await rejectFile(ctx, base, withEncoding, headerProblem({ name: '', map: header.map }));
      return null;
    }
    keep = true;
    return { candidate, opened, ...known, format: 'csv', text: { encoding, header } };
  } finally {
    if (!keep) await opened.handle.close();
  }
}

/**
 * The legacy encoding of a text file that is not UTF-8, for a partner without a configured
 * encoding or locale: judged by its content (guessLegacyEncoding), said in the summary's notes;
 * a file that fits neither or both is refused, saying what the partner and an operator can do.
 */
function guessEncoding(
  ctx: ImportContext,
  partner: string,
  candidate: Candidate,
  scan: Scan,
): TextEncoding {
  const guess = guessLegacyEncoding(scan.head, hasRecognisableHeader);
  const operator = `or an operator sets partners.${partner}.encoding (cp932 or windows-1252) or partners.${partner}.locale for this partner`;
  if (guess.encoding === null)
    throw new FileRefusal(
      'FILE_ENCODING',
      guess.why === 'both'
        ? `the text is not UTF-8 and reads as well in cp932 (Japanese) as in windows-1252 (Western): save it as "CSV UTF-8", ${operator}`
        : `the text is neither UTF-8, cp932 (Japanese) nor windows-1252 (Western): save it as "CSV UTF-8", ${operator}`,
    );
  ctx.out.notes.push(
    `${partner}/${candidate.name}: not UTF-8; read as ${guess.encoding}, which its text fits (no encoding or locale is set for partner ${partner}: set partners.${partner}.encoding to be sure).`,
  );
  return { name: guess.encoding, iconv: guess.encoding, bomBytes: 0, legacy: true };
}

/**
 * Reads a source's rows batch by batch, checks each batch against the run's rules and stages it,
 * all in one transaction: a file refused on the way (a broken line, a wrong decode, a workbook
 * limit, a change on disk) leaves nothing staged. Returns the file's id (null in a dry run), or
 * null when the file was refused.
 */
async function importSource(
  ctx: ImportContext,
  run: PartnerRun,
  source: Source,
): Promise<{ fileId: number | null; resultsWritten: boolean } | null> {
  const { partner } = run;
  const now = ctx.clock.now().toISOString();
  const record: FileRecord = {
    partner,
    runId: ctx.runId,
    name: source.candidate.name,
    sha256: source.sha256,
    size: source.size,
    format: source.format,
    encoding: source.text?.encoding.name ?? null,
    status: 'processed',
    code: null,
    message: null,
    storedPath: null,
    duplicateOf: null,
    details: null,
    now,
  };
  const trx = ctx.dryRun ? null : await ctx.db.transaction();
  const fileId = trx ? await beginFileOrRollBack(trx, record) : null;
  const sheets: SheetInfo[] = [];
  const issues: IssueRecord[] = [];
  const rows = { total: 0, accepted: 0, rejected: 0 };
  const at = `${source.candidate.name}\u0000${source.sha256}`;
  // A dry run's rows of a file refused half-way are dropped again.
  const kept = {
    customers: run.desired.customers.length,
    subscribers: run.desired.subscribers.length,
  };
  let defaulted = 0;
  let staging: Promise<void> = Promise.resolve();
  // The results file is written as the rows are checked (not in a dry run, which writes nothing);
  // opened in the try below, whose catch rolls the file's transaction back if it cannot be.
  let results: ImportResults | null = null;
  const task = `import ${partner}/${source.candidate.name}`;
  const read = { bytes: 0 };
  const take = async (sheet: SheetInfo, batch: SheetRow[]): Promise<StagedRow[]> => {
    // Another run holds the lock now: stop reading; nothing of this file will be committed.
    if (lostLock(ctx)) throw ctx.signal.reason;
    ctx.progress?.show(task, {
      done: rows.total + batch.length,
      total: null,
      unit: 'rows',
      ...(source.text ? { bytes: read.bytes } : {}),
      totalBytes: source.size,
    });
    const checked = await checkRowsYielding(ctx, run, at, sheet, batch);
    await precheckBatch(ctx, run, checked);
    for (const r of checked) {
      if (r.issues.some((i) => i.code === 'LOCATION_DEFAULTED')) defaulted += 1;
      if (run.precheck && r.desired && r.kind === 'customer' && r.entityKey)
        run.precheck.customers.set(r.entityKey, r.desired.doc as CustomerDesired);
    }
    sheet.rows += checked.length;
    for (const r of checked) {
      rows.total += 1;
      if (r.desired) rows.accepted += 1;
      else rows.rejected += 1;
    }
    const staged = reportIssues(ctx, partner, source.candidate.name, sheet, checked, issues);
    if (trx && fileId !== null) {
      // One batch in the database while the next is checked: SQLite works on its own thread.
      await staging;
      staging = stageRows(trx, record, fileId, staged);
      staging.catch(() => undefined); // awaited before the next batch and at the end
    } else keepForDryRun(run.desired, partner, staged);
    return staged;
  };
  let notes: string[] = [];
  let resultsWritten = false;
  try {
    if (trx && source.candidate.claim && !ctx.resultsAtEnd) {
      const claimed = source.candidate.claim.path;
      results = await ImportResults.open(
        ctx,
        partner,
        { name: source.candidate.name, claimed },
        source,
      );
    }
    if (source.text) {
      const { header } = source.text;
      const sheet: SheetInfo = {
        name: '',
        header: header.header,
        headerRow: header.headerIndex + 1,
        map: header.map,
        rows: 0,
        locale: sheetLocale(run.settings, header.header),
      };
      sheets.push(sheet);
      const bytes = fileBytes(source.opened, source.text.encoding);
      bytes.on('data', (chunk: Buffer) => (read.bytes += chunk.length));
      for await (const batch of streamCsvRows(bytes, source.text.encoding, header)) {
        const staged = batch.rows.length > 0 ? await take(sheet, batch.rows) : [];
        await results?.csv(batch, staged);
      }
      if (rows.total === 0)
        throw new FileRefusal('FILE_EMPTY', 'the sheet has a header but no data rows');
    } else {
      notes = await readWorkbookRows(source, run.settings, sheets, take, results);
      if (rows.total === 0)
        throw new FileRefusal('FILE_EMPTY', 'the workbook has headers but no data rows');
    }
    await staging;
    await checkUnchanged(source.opened);
    ctx.progress?.end(task);
  } catch (err) {
    ctx.progress?.end(task);
    run.rules.forgetFile(at);
    await results?.abandon();
    await staging.catch(() => undefined);
    if (trx) {
      // The database may be what failed (a full disk): a rollback it refuses changes nothing here.
      await releaseStatements(trx).catch(() => undefined);
      if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    }
    run.desired.customers.length = kept.customers;
    run.desired.subscribers.length = kept.subscribers;
    if (!(err instanceof FileRefusal)) {
      // A failure of the run, not of the file: the file goes back for the next run (unless
      // another run holds the lock now: the drop zone is its to handle).
      if (!lostLock(ctx)) await giveBack(ctx, partner, source.candidate);
      throw err;
    }
    // The refused file's accepted rows were applied to the run's rules: start again from the ledger.
    if (rows.accepted > 0) await run.rebuild();
    if (err.code === 'CHANGED') await putBack(ctx, partner, source.candidate, err.message);
    else
      await rejectFile(
        ctx,
        { partner, candidate: source.candidate },
        { sha256: source.sha256, size: source.size, encoding: record.encoding ?? undefined },
        err,
      );
    return null;
  }
  run.rules.forgetFile(at);
  for (const note of notes) ctx.out.notes.push(`${partner}/${source.candidate.name}: ${note}`);
  if (defaulted > 0)
    ctx.out.notes.push(
      renderDefaultsNote(
        { partner, file: source.candidate.name, rows: defaulted },
        ctx.config.reportLocale,
      ),
    );
  if (trx && fileId !== null) {
    try {
      await finishFile(trx, fileId, rows, {
        delimiter: source.text?.header.delimiter,
        headerRow: sheets[0]?.headerRow,
        // The language its results were written in, for their rewrites.
        ...(sheets[0] ? { locale: sheets[0].locale } : {}),
        sheets: sheets.map((sh) => ({
          name: sh.name,
          kind: sh.map.kind,
          headerRow: sh.headerRow,
          rows: sh.rows,
        })),
      });
      await releaseStatements(trx);
      // Fenced: a run whose lock was taken over meanwhile commits nothing (on SQLite this also
      // renews the lock, which the heartbeat could not do while the file held the connection).
      await ctx.holdLock?.(trx);
      // Rejects when the database refused the COMMIT (a full disk): the store checks it.
      await trx.commit();
    } catch (err) {
      // Nothing of the file is in the ledger: no results file may say otherwise, and the file goes
      // back to the drop zone for the next run. The run fails with the cause (exit 3).
      await results?.abandon();
      if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
      // A run that lost its lock leaves the drop zone to the run that holds it now.
      if (err instanceof LeaseLostError) throw err;
      await giveBack(ctx, partner, source.candidate);
      throw new Error(
        `the ledger could not record inbox/${partner}/${source.candidate.name} (${(err as Error).message}); nothing of it was kept and the file is back in the inbox for the next run`,
        { cause: err },
      );
    }
    crashPoint('file-committed');
    // The heartbeat could not renew the lock while the file held the connection (SQLite).
    await ctx.renewLock?.();
    // The ledger has the rows: the partner's answer first, then the archive, then the record of
    // where the file went. A run that dies in between leaves the file in the claim folder or the
    // archive with no stored path, and the next run finishes it (finishInterrupted).
    resultsWritten = (await results?.finish()) ?? false;
    // A nightly writes this file's results at its end: until then, those under its name are an
    // earlier upload's.
    if (ctx.resultsAtEnd) await withdrawResults(ctx, partner, source.candidate.name);
    const { storedPath } = await settle(ctx, 'archive', partner, source.candidate);
    crashPoint('file-archived');
    if (storedPath !== null) await setStoredPath(ctx.db, fileId, storedPath);
  }
  ctx.out.rows = {
    total: ctx.out.rows.total + rows.total,
    accepted: ctx.out.rows.accepted + rows.accepted,
    rejected: ctx.out.rows.rejected + rows.rejected,
  };
  ctx.out.files.push({
    ...fileSummary(
      partner,
      source.candidate.name,
      source.sha256,
      source.format,
      record.encoding,
      'processed',
      null,
      null,
    ),
    rows,
  });
  for (const issue of issues) ctx.out.issues.push(issue);
  ctx.log.info(`imported ${source.candidate.name}`, { partner, rows: rows.total });
  return { fileId, resultsWritten };
}

/**
 * A workbook's recognised sheets, batch by batch, customers sheets first: rows of a subscribers
 * sheet read before any customers sheet wait until the workbook is read, unless no other sheet
 * follows it (a workbook of subscribers alone is never held in memory). Returns its notes.
 */
/**
 * Records the file in its transaction; if the database refuses (a full disk, a constraint), the
 * transaction is rolled back before the error goes on. Left open, it would hold SQLite's one
 * connection, and the run could not even record that it failed.
 */
async function beginFileOrRollBack(trx: Knex.Transaction, record: FileRecord): Promise<number> {
  try {
    return await beginFile(trx, record);
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    throw err;
  }
}

async function readWorkbookRows(
  source: Source,
  partner: { locale: Locale; localeConfigured: boolean },
  sheets: SheetInfo[],
  take: (sheet: SheetInfo, batch: SheetRow[]) => Promise<StagedRow[]>,
  results: ImportResults | null,
): Promise<string[]> {
  let current: SheetInfo | null = null;
  let customersSeen = false;
  const waiting: { sheet: SheetInfo; rows: SheetRow[] }[] = [];
  const outcome = await readWorkbookInBatches(source.candidate.path, {
    async sheet(head, _position, last) {
      if (head.map.missing.length > 0 || head.map.duplicated.length > 0) {
        const problem = headerProblem(head);
        throw new FileRefusal('FILE_HEADER', problem.message);
      }
      current = { ...head, rows: 0, locale: sheetLocale(partner, head.header) };
      sheets.push(current);
      if (head.map.kind === 'customers') customersSeen = true;
      else if (!customersSeen && !last) waiting.push({ sheet: current, rows: [] });
      // Held rows are checked after the sheets that follow: the results wait for the ledger.
      if (waiting.length > 0) await results?.abandon();
      else results?.sheet(head);
    },
    async rows(batch) {
      const sheet = current as SheetInfo | null;
      if (!sheet) return;
      const held = waiting.find((w) => w.sheet === sheet);
      if (held) for (const row of batch) held.rows.push(row);
      else {
        // Checked whether or not a results file is written: `results?.rows(…, await take(…))`
        // skipped the check in a dry run, which has no results file, and read no row at all.
        const staged = await take(sheet, batch);
        await results?.rows(batch, staged);
      }
    },
  });
  if (!outcome.ok) throw new FileRefusal(outcome.code as FileRefusal['code'], outcome.message);
  for (const held of waiting)
    for (let i = 0; i < held.rows.length; i += ROW_BATCH)
      await take(held.sheet, held.rows.slice(i, i + ROW_BATCH));
  return outcome.notes;
}

/**
 * Rows checked between two turns of the event loop. The database stages the previous batch meanwhile,
 * one statement after another, and each next statement is sent from this thread: checking a whole
 * batch of 1,000 rows in one go (about 20 ms) left SQLite idle between its statements.
 */
const CHECK_SLICE = 100;

/** checkRows in slices, giving the event loop a turn between them (CHECK_SLICE). */
async function checkRowsYielding(
  ctx: ImportContext,
  run: PartnerRun,
  at: string,
  sheet: SheetInfo,
  batch: SheetRow[],
): Promise<CheckedRow[]> {
  if (batch.length <= CHECK_SLICE) return checkRows(run, at, sheet, batch);
  const staged: CheckedRow[] = [];
  for (let i = 0; i < batch.length; i += CHECK_SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const r of checkRows(run, at, sheet, batch.slice(i, i + CHECK_SLICE))) staged.push(r);
  }
  return staged;
}

/**
 * Checks a batch of one sheet's rows against the run's rules (checkBatch) and words each issue
 * for the partner, in the sheet's language, as the results file and the ledger keep it.
 */
/** A batch of one sheet's rows checked against the partner's run rules: codes and values only. */
function checkRows(run: PartnerRun, at: string, sheet: SheetInfo, batch: SheetRow[]): CheckedRow[] {
  // Where a person finds a row: the sheet of a workbook, the file of a text file.
  const place = sheet.name || at.slice(0, at.indexOf('\u0000'));
  return checkBatch(batch, run.rules, { ...sheet, file: at, place });
}

/**
 * The issues of checked rows for the run's report, in the report's language (the ledger keeps the
 * same words for operators); the rows as staging writes them. Partners read their rows' issues in
 * their results file, which renders them in the file's own language.
 */
function reportIssues(
  ctx: ImportContext,
  partner: string,
  fileName: string,
  sheet: SheetInfo,
  checked: readonly CheckedRow[],
  into: IssueRecord[],
): StagedRow[] {
  const reportLocale = ctx.config.reportLocale;
  const kind = sheet.map.kind;
  return checked.map((r) => ({
    ...r,
    issues: r.issues.map((i) => {
      const record = reportIssue(
        {
          partner,
          file: fileName,
          sheet: r.sheet || null,
          row: r.row,
          kind,
          column: i.column,
          value: i.value,
          code: i.code,
          params: i.params,
        },
        reportLocale,
      );
      into.push(record);
      return { ...i, message: record.message };
    }),
  }));
}

/**
 * A dry run stages nothing: the rows it accepted are kept, as staging would have written them, for
 * runImport to return (the planner overlays the ledger with this run's sheets).
 */
function keepForDryRun(into: DryRunDesired, partner: string, staged: StagedRow[]): void {
  for (const r of staged) {
    const d = r.desired;
    if (!d) continue;
    if (r.kind === 'customer' && r.entityKey)
      into.customers.push({
        partnerId: partner,
        externalId: r.entityKey,
        desired: d.doc,
        desiredHash: d.hash,
        desiredAction: d.action,
      });
    else if (r.kind === 'subscriber' && d.customerExternalId && d.email)
      into.subscribers.push({
        partnerId: partner,
        customerExternalId: d.customerExternalId,
        email: d.email,
        desired: d.doc,
        desiredHash: d.hash,
        desiredAction: d.action,
      });
  }
}

/** A file that changed while it was read goes back to the inbox for a later run. */
async function putBack(
  ctx: ImportContext,
  partner: string,
  candidate: Candidate,
  why: string,
): Promise<void> {
  await giveBack(ctx, partner, candidate);
  ctx.out.notes.push(`inbox/${partner}/${candidate.name}: ${why}.`);
}

/**
 * Puts a file this run claimed back into the partner's inbox; one whose name a newer upload took
 * meanwhile comes back beside it under a made name, which the run reports.
 */
async function giveBack(ctx: ImportContext, partner: string, candidate: Candidate): Promise<void> {
  if (!candidate.claim) return;
  const back = await releaseClaim(candidate.claim, nameStamp(ctx.clock.now()));
  if (back.renamedFrom !== undefined)
    reportRenamed(ctx, partner, back.renamedFrom, back.name, 'this run');
}

/** FILE_HEADER naming the required columns missing and the columns given twice. */
function headerProblem(sheet: { name: string; map: HeaderMap }): Rejection {
  const { map } = sheet;
  const parts = [
    map.missing.length ? `required column missing: ${map.missing.join(', ')}` : '',
    map.duplicated.length ? `column given twice: ${map.duplicated.join(', ')}` : '',
  ].filter(Boolean);
  const where = sheet.name ? `sheet ${JSON.stringify(sheet.name)}, ` : '';
  return { code: 'FILE_HEADER', message: `${where}${parts.join('; ')} (${map.kind} sheet)` };
}

/** Records a file that is not processed and moves it to quarantine with its reason. */
async function rejectFile(
  ctx: ImportContext,
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
  ctx.out.files.push(summary);
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
  ctx.out.issues.push(issue);
  ctx.log.warn(`quarantined ${candidate.name}: ${why.code} ${why.message}`, { partner });
  if (ctx.dryRun) return;
  const now = ctx.clock.now().toISOString();
  // A link is removed, not stored (storedPath null): its reason is kept under the name it would have had.
  const { storedPath, name } = await settle(ctx, 'quarantine', partner, candidate);
  const reason = `${why.code}: ${why.message}\nfile: ${JSON.stringify(candidate.name)}\nrun: ${ctx.runId}\nat: ${now}\n`;
  const reasonFile = path.join(ctx.config.home, 'quarantine', partner, `${name}.reason.txt`);
  await fs.writeFile(reasonFile, reason, { flag: 'wx' });
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
  ctx: ImportContext,
  partner: string,
  candidate: Candidate,
  sha256: string,
  size: number,
  original: { id: number; name: string; createdAt: string },
): Promise<void> {
  const message = `the same bytes were imported on ${original.createdAt} as ${JSON.stringify(original.name)}; no row was processed again`;
  ctx.out.files.push(
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
  const { storedPath } = await settle(ctx, 'archive', partner, candidate);
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

/**
 * Moves a file that is done with into archive/ or quarantine/ under the name its claim gave it;
 * a link is removed instead (storedPath null, see moveInto).
 */
async function settle(
  ctx: ImportContext,
  area: 'archive' | 'quarantine',
  partner: string,
  candidate: Candidate,
): Promise<{ storedPath: string | null; name: string }> {
  const name = candidate.claim
    ? path.basename(candidate.claim.path)
    : storedName(ctx, candidate.name);
  const storedPath = await moveInto(ctx.config.home, area, partner, candidate.path, name);
  if (candidate.claim) await endClaim(candidate.claim);
  return { storedPath, name };
}

let stored = 0;
/** A name for a stored copy built from the run, never from the partner's file name. */
function storedName(ctx: ImportContext, original: string): string {
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
