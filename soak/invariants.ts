// The promises checked after every night: one function per invariant, each returning a sentence per
// violation that names the file, row or entity. They read the snapshot (ledger, Webex, inbox) and
// the workspace's files; none of them trusts what the program says about itself.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { TABLE_SCRIPT, validateSummary, type Summary } from '../src/reports/index.ts';
import { RESULT_WORDS } from '../src/results/index.ts';
import { PARTNERS, type Locale } from './generate.ts';
import type { ContactRecord, DropRecord } from './night.ts';
import {
  OPEN_CHANGE,
  type ChangeRow,
  type EntityRow,
  type FileRow,
  type Snapshot,
} from './snapshot.ts';
import type { CommandResult } from './workspace.ts';

/** What the checks of one night are given. */
export interface CheckInput {
  home: string;
  /** Where ops keeps deprovisioning plans (outputs of the program too). */
  plansDir: string;
  snap: Snapshot;
  commands: CommandResult[];
  /** The night's nightly run: the one that ran, when a second found the lock held. */
  nightly: CommandResult;
  contacts: ContactRecord[];
  drops: DropRecord[];
  token: string;
  /** Database files to search for the token (SQLite and its -wal). */
  databaseFiles: string[];
  /** Output files already found clean, by path → `mtime:size`: each file is read once per version. */
  scanned: Map<string, string>;
}

export type Check = (input: CheckInput) => Promise<string[]> | string[];

/** The result words of a results file, per locale (as a partner reads them). */
const WORDS = RESULT_WORDS;
const FINAL_OR_PENDING = new Set([
  'created',
  'updated',
  'unchanged',
  'deleted',
  'failed',
  'pending',
]);
/** Webex statuses in which a customer is still there. */
const GONE = new Set(['gone', 'deleting']);

function localeOf(partner: string): Locale {
  return PARTNERS.find((p) => p.id === partner)?.locale ?? 'en';
}

/** Whether the night's nightly run finished by itself (not killed, not stopped, not failed). */
export function nightlyFinished(input: Pick<CheckInput, 'nightly'>): boolean {
  const n = input.nightly;
  return n.signal === null && n.signalled === null && (n.code === 0 || n.code === 1);
}

function summaryOf(r: CommandResult): Summary | null {
  try {
    return JSON.parse(r.stdout) as Summary;
  } catch {
    return null;
  }
}

const fileLabel = (f: Pick<FileRow, 'partner' | 'name'>) => `${f.partner}/${f.name}`;

function latestChanges(changes: ChangeRow[]): Map<string, ChangeRow> {
  const latest = new Map<string, ChangeRow>();
  for (const c of changes) latest.set(`${c.entity}:${c.entityId}`, c);
  return latest;
}

// 1 ─────────────────────────────────────────────────────────────────────────────────────────────
/** No externalId twice in Webex (nor a user twice on one customer). */
export const noExternalIdTwice: Check = ({ snap }) => {
  const out: string[] = [];
  const byExt = new Map<string, string[]>();
  for (const c of snap.webex.customers) {
    if (GONE.has(c.status)) continue;
    byExt.set(c.externalId, [...(byExt.get(c.externalId) ?? []), `${c.id} (${c.status})`]);
  }
  for (const [ext, ids] of byExt)
    if (ids.length > 1)
      out.push(`Webex holds externalId ${ext} ${ids.length} times: ${ids.join(', ')}`);
  const live = new Set(snap.webex.customers.filter((c) => !GONE.has(c.status)).map((c) => c.id));
  const byUser = new Map<string, number>();
  for (const s of snap.webex.subscribers) {
    if (!live.has(s.customerId)) continue;
    const key = `${s.customerId}/${s.email.toLowerCase()}`;
    byUser.set(key, (byUser.get(key) ?? 0) + 1);
  }
  for (const [key, n] of byUser) if (n > 1) out.push(`Webex holds user ${key} ${n} times`);
  return out;
};

// 2 ─────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Every accepted row has one final or pending outcome once a nightly has run to its end: the row
 * an entity's desired state comes from now, and every row a change was made from. (A row replaced
 * by a later row of the same entity before anything was sent keeps "accepted": it never reached
 * Webex, and the later row carries the outcome.)
 */
export const acceptedRowsHaveOutcome: Check = (input) => {
  if (!nightlyFinished(input)) return [];
  const { snap } = input;
  const out: string[] = [];
  const files = new Map(snap.files.map((f) => [f.id, f]));
  const latest = latestChanges(snap.changes);
  const entityOfRow = new Map<number, EntityRow & { kind: 'customer' | 'subscriber' }>();
  for (const c of snap.customers)
    if (c.sourceRowId !== null) entityOfRow.set(c.sourceRowId, { ...c, kind: 'customer' });
  for (const s of snap.subscribers)
    if (s.sourceRowId !== null) entityOfRow.set(s.sourceRowId, { ...s, kind: 'subscriber' });
  const changedRows = new Set(snap.changes.map((c) => c.sourceRowId).filter((id) => id !== null));
  for (const r of snap.rows) {
    if (r.outcome !== 'accepted') continue;
    const f = files.get(r.fileId);
    const where = `${f ? fileLabel(f) : 'file'} (file ${r.fileId})${r.sheet ? ` sheet ${r.sheet}` : ''} row ${r.row} (${r.kind} ${r.entityKey ?? '?'})`;
    const entity = entityOfRow.get(r.id);
    if (r.result === null) {
      if (entity || changedRows.has(r.id))
        out.push(
          `${where}: accepted, but has no outcome (the ledger's result is empty${entity ? '' : ', though a change was made from it'})`,
        );
      continue;
    }
    if (!FINAL_OR_PENDING.has(r.result)) {
      out.push(`${where}: outcome '${r.result}' is none of ${[...FINAL_OR_PENDING].join(', ')}`);
      continue;
    }
    // The row says pending, but its customer was removed after its RPL review: nothing will come.
    const retired =
      entity?.desiredAction === 'delete' &&
      entity.desired.action === 'upsert' &&
      entity.webexStatus === 'deleted';
    if (
      r.result === 'pending' &&
      entity &&
      retired &&
      !OPEN_CHANGE.has(latest.get(`${entity.kind}:${entity.id}`)?.status ?? '')
    ) {
      out.push(
        `${where}: still says pending, but the ledger retired it (its customer was deprovisioned)`,
      );
      continue;
    }
    // The row says pending, but the change made from it is over: its outcome never reached the row.
    if (r.result === 'pending' && entity) {
      const change = latest.get(`${entity.kind}:${entity.id}`);
      if (
        change &&
        change.sourceRowId === r.id &&
        !OPEN_CHANGE.has(change.status) &&
        change.outcome !== 'pending'
      )
        out.push(
          `${where}: still says pending, but its change ${change.id} is ${change.status} (${change.outcome ?? 'no outcome'}${change.errorCode ? `, ${change.errorCode}` : ''})`,
        );
    }
  }
  return out;
};

// 3 ─────────────────────────────────────────────────────────────────────────────────────────────
/**
 * What Webex holds equals what the ledger says was provisioned, apart from changes still open and
 * the partners' own orgs: every customer and user the ledger says is there is there (with the
 * packages it last applied), nothing the ledger deleted is still there, and Webex holds nothing the
 * ledger does not know.
 */
export const webexMatchesLedger: Check = ({ snap }) => {
  const out: string[] = [];
  const ownOrgs = new Set(PARTNERS.map((p) => p.orgId));
  const latest = latestChanges(snap.changes);
  const open = (kind: 'customer' | 'subscriber', id: number) => {
    const c = latest.get(`${kind}:${id}`);
    return c !== undefined && OPEN_CHANGE.has(c.status);
  };
  const lastFailed = (kind: 'customer' | 'subscriber', id: number) =>
    latest.get(`${kind}:${id}`)?.outcome === 'failed';
  const webexCustomers = new Map(snap.webex.customers.map((c) => [c.id, c]));
  const liveByExt = new Map<string, typeof snap.webex.customers>();
  for (const c of snap.webex.customers)
    if (!GONE.has(c.status))
      liveByExt.set(c.externalId, [...(liveByExt.get(c.externalId) ?? []), c]);
  const sorted = (a: readonly string[]) => [...a].sort().join(',');

  const ledgerCustomerByWebexId = new Map<string, EntityRow>();
  const ledgerCustomerByExt = new Map<string, EntityRow>();
  for (const c of snap.customers) {
    if (c.webexId) ledgerCustomerByWebexId.set(c.webexId, c);
    ledgerCustomerByExt.set(c.key, c);
    if (open('customer', c.id) || lastFailed('customer', c.id)) continue;
    const label = `customer ${c.partner}/${c.key}`;
    if (c.desiredAction === 'upsert' && c.webexId) {
      const w = webexCustomers.get(c.webexId);
      if (!w || GONE.has(w.status))
        out.push(
          `${label}: the ledger says Webex has it as ${c.webexId}, but Webex ${w ? `is ${w.status} it` : 'does not hold it'}`,
        );
      else if (w.externalId !== c.key)
        out.push(`${label}: Webex's ${c.webexId} has externalId ${w.externalId}`);
      else if (
        c.appliedHash === c.desiredHash &&
        Array.isArray(c.desired.packages) &&
        sorted(c.desired.packages) !== sorted(w.packages)
      )
        out.push(
          `${label}: the ledger says packages ${sorted(c.desired.packages)} were applied, Webex has ${sorted(w.packages)}`,
        );
    } else if (c.desiredAction === 'upsert' && c.appliedHash !== null) {
      out.push(`${label}: applied, but the ledger has no Webex id for it`);
    } else if (c.desiredAction === 'delete' && c.webexStatus === 'deleted') {
      const still = liveByExt.get(c.key) ?? [];
      if (still.length > 0)
        out.push(
          `${label}: the ledger says it was deleted, but Webex still holds ${still.map((w) => `${w.id} (${w.status})`).join(', ')}`,
        );
    }
  }
  for (const w of snap.webex.customers) {
    if (GONE.has(w.status) || ownOrgs.has(w.orgId)) continue;
    if (ledgerCustomerByWebexId.has(w.id)) continue;
    const byExt = ledgerCustomerByExt.get(w.externalId);
    if (byExt && open('customer', byExt.id)) continue; // a create whose answer is not known yet
    out.push(
      `Webex holds customer ${w.externalId} (${w.id}, ${w.status}) that the ledger does not say it provisioned${byExt ? ` (the ledger's ${byExt.partner}/${byExt.key} has Webex id ${byExt.webexId ?? 'none'}, action ${byExt.desiredAction})` : ''}`,
    );
  }

  const webexSubs = new Map(snap.webex.subscribers.map((s) => [s.id, s]));
  const liveCustomerIds = new Set(
    snap.webex.customers.filter((c) => !GONE.has(c.status)).map((c) => c.id),
  );
  const ledgerSubByWebexId = new Map<string, EntityRow>();
  const ledgerSubByKey = new Map<string, EntityRow>();
  for (const s of snap.subscribers) {
    if (s.webexId) ledgerSubByWebexId.set(s.webexId, s);
    const customer = ledgerCustomerByExt.get(s.customerExternalId);
    if (customer?.webexId)
      ledgerSubByKey.set(`${customer.webexId}/${(s.email ?? '').toLowerCase()}`, s);
    if (open('subscriber', s.id) || lastFailed('subscriber', s.id)) continue;
    const label = `user ${s.partner}/${s.key}`;
    if (s.desiredAction === 'upsert' && s.webexId) {
      const w = webexSubs.get(s.webexId);
      if (!w || !liveCustomerIds.has(w.customerId))
        out.push(
          `${label}: the ledger says Webex has it as ${s.webexId}, but Webex does not hold it`,
        );
      else if (w.email.toLowerCase() !== (s.email ?? '').toLowerCase())
        out.push(`${label}: Webex's ${s.webexId} is ${w.email}`);
      else if (
        s.appliedHash === s.desiredHash &&
        typeof s.desired.package === 'string' &&
        !w.packages.includes(s.desired.package)
      )
        out.push(
          `${label}: the ledger says package ${s.desired.package} was applied, Webex has ${sorted(w.packages)}`,
        );
    } else if (s.desiredAction === 'delete' && s.webexStatus === 'deleted' && s.webexCustomerId) {
      const still = snap.webex.subscribers.filter(
        (w) =>
          w.customerId === s.webexCustomerId &&
          liveCustomerIds.has(w.customerId) &&
          w.email.toLowerCase() === (s.email ?? '').toLowerCase(),
      );
      if (still.length > 0)
        out.push(
          `${label}: the ledger says it was deleted, but Webex still holds ${still.map((w) => w.id).join(', ')}`,
        );
    }
  }
  const ownCustomerIds = new Set(
    snap.webex.customers.filter((c) => ownOrgs.has(c.orgId)).map((c) => c.id),
  );
  for (const w of snap.webex.subscribers) {
    if (!liveCustomerIds.has(w.customerId) || ownCustomerIds.has(w.customerId)) continue;
    if (ledgerSubByWebexId.has(w.id)) continue;
    const byKey = ledgerSubByKey.get(`${w.customerId}/${w.email.toLowerCase()}`);
    if (byKey && open('subscriber', byKey.id)) continue;
    const customer = webexCustomers.get(w.customerId);
    out.push(
      `Webex holds user ${w.email} (${w.id}) on customer ${customer?.externalId ?? w.customerId} that the ledger does not say it provisioned${byKey ? ` (the ledger's ${byKey.partner}/${byKey.key} has Webex id ${byKey.webexId ?? 'none'}, action ${byKey.desiredAction})` : ''}`,
    );
  }
  return out;
};

// 4 ─────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Every file dropped is processed, duplicate or quarantined, or still waits in the inbox after a
 * run that did not finish; none is lost in `.rtm-claims`, none counted twice, and every stored
 * copy the ledger names is on disk.
 */
export const dropsAccounted: Check = (input) => {
  const { snap, drops, home } = input;
  const out: string[] = [];
  const finished = nightlyFinished(input);
  const summary = summaryOf(input.nightly);
  const stopped = !finished || (summary?.attention ?? []).some((a) => a.kind === 'files_unread');
  const expected = new Map<string, DropRecord[]>();
  for (const d of drops) {
    if (d.superseded) continue;
    const key = `${d.partner}\u0000${d.sha256}`;
    expected.set(key, [...(expected.get(key) ?? []), d]);
  }
  const recorded = new Map<string, number>();
  for (const f of snap.files) {
    if (!['processed', 'duplicate', 'quarantined'].includes(f.status) || f.sha256 === null)
      continue;
    const key = `${f.partner}\u0000${f.sha256}`;
    recorded.set(key, (recorded.get(key) ?? 0) + 1);
  }
  const waiting = new Map<string, typeof snap.inbox>();
  for (const w of snap.inbox) {
    const key = `${w.partner}\u0000${w.sha256}`;
    waiting.set(key, [...(waiting.get(key) ?? []), w]);
  }
  for (const [key, list] of expected) {
    const first = list[0] as DropRecord;
    const got = (recorded.get(key) ?? 0) + (waiting.get(key)?.length ?? 0);
    const names = [...new Set(list.map((d) => `${d.partner}/${d.name} (night ${d.night})`))].join(
      ', ',
    );
    if (got < list.length)
      out.push(
        `${names}: dropped ${list.length} time(s), but the ledger records ${recorded.get(key) ?? 0} and the inbox holds ${waiting.get(key)?.length ?? 0}: a file was lost`,
      );
    else if (
      got > list.length &&
      !(claimedAfterKill(waiting.get(key) ?? [], finished) >= got - list.length)
    )
      out.push(
        `${names}: dropped ${list.length} time(s), but the ledger records ${recorded.get(key) ?? 0} and the inbox still holds ${waiting.get(key)?.length ?? 0}`,
      );
    for (const w of waiting.get(key) ?? []) {
      if (w.claimed && finished)
        out.push(`${first.partner}/.rtm-claims/${w.name}: left claimed after a run that finished`);
      else if (!w.claimed && !stopped)
        out.push(
          `${first.partner}/${w.name}: still in the inbox after a nightly that finished and read every file`,
        );
    }
  }
  for (const w of snap.inbox)
    if (!expected.has(`${w.partner}\u0000${w.sha256}`))
      out.push(
        `${w.partner}/${w.claimed ? '.rtm-claims/' : ''}${w.name}: in the inbox, but no partner dropped these bytes`,
      );
  for (const f of snap.files)
    if (f.storedPath && !existsSync(path.join(home, f.storedPath)))
      out.push(
        `${fileLabel(f)} (${f.status}): the ledger says it is stored as ${f.storedPath}, which is not there`,
      );
  for (const f of snap.files)
    if (
      f.status === 'quarantined' &&
      f.storedPath &&
      !existsSync(path.join(home, `${f.storedPath}.reason.txt`)) &&
      !existsSync(
        path.join(home, path.dirname(f.storedPath), `${path.basename(f.storedPath)}.reason.txt`),
      )
    )
      out.push(`${fileLabel(f)}: quarantined without its reason file`);
  return out;
};

/** A run killed after a file's commit leaves it claimed: the next run must settle it, not count it again. */
function claimedAfterKill(waiting: Snapshot['inbox'], finished: boolean): number {
  return finished ? 0 : waiting.filter((w) => w.claimed).length;
}

// 5 ─────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Every processed file has a results file (the latest file of each name: a re-upload under the same
 * name replaces it) whose accepted and refused rows match the ledger, row by row once a nightly
 * ran to its end.
 */
export const resultsFilesMatchLedger: Check = async (input) => {
  const { snap, home } = input;
  const out: string[] = [];
  const finished = nightlyFinished(input);
  const running = new Set(snap.runs.filter((r) => r.status === 'running').map((r) => r.id));
  const abandoned = new Set(snap.runs.filter((r) => r.status === 'abandoned').map((r) => r.id));
  const unfinished = new Set(
    snap.runs.filter((r) => r.status === 'abandoned' || r.status === 'failed').map((r) => r.id),
  );
  const latest = new Map<string, FileRow>();
  // Every processed upload of each results file's name, the latest last.
  const uploads = new Map<string, FileRow[]>();
  for (const f of snap.files) {
    if (f.status !== 'processed' || !f.format) continue;
    const name = `${f.partner}/${f.name}.results.${f.format}`;
    latest.set(name, f);
    uploads.set(name, [...(uploads.get(name) ?? []), f]);
  }
  const rowsByFile = new Map<number, Snapshot['rows']>();
  for (const r of snap.rows) rowsByFile.set(r.fileId, [...(rowsByFile.get(r.fileId) ?? []), r]);
  for (const [name, f] of latest) {
    // A run killed after the commit leaves its files to the next run; a later command that is no
    // import (deprovision --plan) may have marked it abandoned: the file, claimed and not yet
    // archived, still waits for the next import (seed 19, night 10).
    if (running.has(f.runId)) continue;
    if (abandoned.has(f.runId) && f.storedPath === null) continue;
    const file = path.join(home, 'outbox', name);
    // A nightly writes its files' results at its end: one cut tonight leaves the results of the
    // files it settled for a run that died before (archived by tonight's import) to the next
    // provision or nightly, which rewrites every file since the last run that finished (seed 5,
    // night 4). Once a nightly runs to its end, every one must be there.
    if (!existsSync(file) && !finished && unfinished.has(f.runId)) continue;
    if (!existsSync(file)) {
      out.push(`${fileLabel(f)}: processed (file ${f.id}), but outbox/${name} is missing`);
      continue;
    }
    const words = WORDS[localeOf(f.partner)];
    const byWord = new Map(Object.entries(words).map(([k, v]) => [v, k]));
    let given: { sheet: string; row: number; result: string }[];
    try {
      given = f.format === 'xlsx' ? await readXlsxResults(file) : readCsvResults(file, f);
    } catch (err) {
      out.push(`outbox/${name}: cannot be read back: ${(err as Error).message}`);
      continue;
    }
    const ledger = rowsByFile.get(f.id) ?? [];
    const refused = given.filter((g) => g.result === words.rejected).length;
    if (given.length !== f.total || refused !== f.rejected) {
      // The same cut, for a file re-uploaded under a name used before: the import withdraws the
      // earlier upload's results once this upload is committed (withdrawResults), so a run killed
      // between the two leaves them until the next run writes this one's (seed 131, night 6, before
      // the withdrawal: killed later in the night).
      const earlier =
        !finished &&
        unfinished.has(f.runId) &&
        (uploads.get(name) ?? []).some(
          (e) => e.id !== f.id && e.total === given.length && e.rejected === refused,
        );
      if (earlier) continue;
      out.push(
        `outbox/${name}: ${given.length - refused} accepted and ${refused} refused rows, the ledger says ${f.accepted} and ${f.rejected} (file ${f.id})`,
      );
    }
    if (!finished) continue;
    const bySheetRow = new Map(ledger.map((r) => [`${r.sheet}\u0000${r.row}`, r]));
    const stale: string[] = [];
    for (const g of given) {
      const r = bySheetRow.get(`${f.format === 'xlsx' ? g.sheet : ''}\u0000${g.row}`);
      if (!r) {
        stale.push(`row ${g.row}${g.sheet ? ` of ${g.sheet}` : ''} is not in the ledger`);
        continue;
      }
      const expected = r.outcome === 'rejected' ? 'rejected' : (r.result ?? 'accepted');
      const said = byWord.get(g.result) ?? `'${g.result}'`;
      if (said !== expected)
        stale.push(
          `row ${g.row}${g.sheet ? ` of ${g.sheet}` : ''} says ${said}, the ledger ${expected}`,
        );
    }
    if (stale.length > 0)
      out.push(
        `outbox/${name} does not say what the ledger says (file ${f.id}): ${stale.slice(0, 4).join('; ')}${stale.length > 4 ? `; and ${stale.length - 4} more` : ''}`,
      );
  }
  return out;
};

function decodeText(bytes: Buffer, encoding: string | null): string {
  const enc = !encoding || encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  return iconv.decode(bytes, enc, { stripBOM: true });
}

function readCsvResults(
  file: string,
  f: FileRow,
): { sheet: string; row: number; result: string }[] {
  const text = decodeText(readFileSync(file), f.encoding);
  const records = parse(text, {
    delimiter: f.details?.delimiter ?? ',',
    relax_column_count: true,
  }) as string[][];
  const headerRow = f.details?.headerRow ?? 1;
  const header = records[headerRow - 1] ?? [];
  const col = header.length - 4;
  return records
    .slice(headerRow)
    .map((cells, i) => ({ sheet: '', row: headerRow + 1 + i, result: cells[col] ?? '' }));
}

/** The header of the result column in each locale. */
const RESULT_HEADER = ['result', '結果', 'resultado'];

async function readXlsxResults(
  file: string,
): Promise<{ sheet: string; row: number; result: string }[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out: { sheet: string; row: number; result: string }[] = [];
  const resultHeader = RESULT_HEADER;
  for (const ws of wb.worksheets) {
    const header = ws.getRow(1);
    let col = 0;
    header.eachCell((cell, n) => {
      if (resultHeader.includes(cell.text)) col = n;
    });
    if (col === 0) continue;
    ws.eachRow((row, n) => {
      if (n > 1) out.push({ sheet: ws.name, row: n, result: row.getCell(col).text });
    });
  }
  return out;
}

// 6 ─────────────────────────────────────────────────────────────────────────────────────────────
/** Each run's summary is valid and adds up: files, rows, and one outcome per ledger entity. */
/**
 * A file whose rows a run staged before it died is archived and answered by the next run, which
 * lists it as processed (its message names the dead run); the ledger keeps it as the dead run's.
 */
function finishedForDeadRun(
  ledgerRunId: string,
  runId: string,
  message: string | null,
  snap: Snapshot,
): boolean {
  const dead = snap.runs.find((r) => r.id === ledgerRunId);
  const finisher = snap.runs.find((r) => r.id === runId);
  return (
    dead !== undefined &&
    finisher !== undefined &&
    dead.startedAt < finisher.startedAt &&
    !['ok', 'partial', 'attention'].includes(dead.status) &&
    (message ?? '').includes(ledgerRunId)
  );
}

export const summaryCountsAddUp: Check = ({ commands, snap }) => {
  const out: string[] = [];
  for (const r of commands) {
    if (r.signal === 'SIGKILL' || !r.args.includes('--json')) continue;
    const s = summaryOf(r);
    if (!s) {
      out.push(`${r.label} (exit ${r.code}): printed no summary with --json`);
      continue;
    }
    for (const e of validateSummary(s))
      out.push(`${r.label} ${s.runId}: summary does not match the schema: ${e}`);
    const rows = { total: 0, accepted: 0, rejected: 0 };
    for (const f of s.files) {
      if (f.rows.total !== f.rows.accepted + f.rows.rejected)
        out.push(
          `${r.label} ${s.runId}: file ${f.partner}/${f.name}: total ${f.rows.total} ≠ ${f.rows.accepted} accepted + ${f.rows.rejected} rejected`,
        );
      rows.total += f.rows.total;
      rows.accepted += f.rows.accepted;
      rows.rejected += f.rows.rejected;
      if (f.status === 'processed') {
        const led = snap.files.find(
          (x) =>
            x.partner === f.partner &&
            x.sha256 === f.sha256 &&
            x.status === 'processed' &&
            (x.runId === s.runId || finishedForDeadRun(x.runId, s.runId, f.message, snap)),
        );
        if (!led)
          out.push(
            `${r.label} ${s.runId}: file ${f.partner}/${f.name} is processed in the summary, not in the ledger`,
          );
        else if (
          led.total !== f.rows.total ||
          led.accepted !== f.rows.accepted ||
          led.rejected !== f.rows.rejected
        )
          out.push(
            `${r.label} ${s.runId}: file ${f.partner}/${f.name}: summary ${JSON.stringify(f.rows)}, ledger ${led.total}/${led.accepted}/${led.rejected}`,
          );
      }
    }
    if (
      rows.total !== s.rows.total ||
      rows.accepted !== s.rows.accepted ||
      rows.rejected !== s.rows.rejected
    )
      out.push(
        `${r.label} ${s.runId}: rows ${JSON.stringify(s.rows)} are not the sum of its files ${JSON.stringify(rows)}`,
      );
    // A nightly that provisioned counts every customer and user of the ledger in exactly one outcome.
    if (s.job === 'nightly' && s.exitCode !== 3 && s.exitCode !== 75 && !s.dryRun) {
      const sum = (c: Summary['customers']) =>
        c.created + c.updated + c.unchanged + c.deleted + c.failed + c.pending;
      if (sum(s.customers) !== snap.customers.length)
        out.push(
          `${r.label} ${s.runId}: counts ${sum(s.customers)} customer outcomes ${JSON.stringify(s.customers)}, the ledger holds ${snap.customers.length} customers`,
        );
      if (sum(s.subscribers) !== snap.subscribers.length)
        out.push(
          `${r.label} ${s.runId}: counts ${sum(s.subscribers)} user outcomes ${JSON.stringify(s.subscribers)}, the ledger holds ${snap.subscribers.length} users`,
        );
    }
  }
  return out;
};

// 7 ─────────────────────────────────────────────────────────────────────────────────────────────
const LIVE_CELL = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** No formula, link or script in any output: results files, reports, plans. */
export const noFormulaLinkScript: Check = async (input) => {
  const out: string[] = [];
  for (const file of outputFiles(input)) {
    const version = versionOf(file);
    if (input.scanned.get(`formula:${file}`) === version) continue;
    const found = await liveContent(file);
    if (found.length === 0) input.scanned.set(`formula:${file}`, version);
    for (const f of found) out.push(`${path.relative(input.home, file)}: ${f}`);
  }
  return out;
};

async function liveContent(file: string): Promise<string[]> {
  const out: string[] = [];
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) {
    const bytes = readFileSync(file);
    const text = decodeOutput(bytes, file);
    const first = text.split(/\r?\n/, 1)[0] ?? '';
    const delimiter = [';', '\t', ','].find((d) => first.includes(d)) ?? ',';
    const records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
    }) as string[][];
    for (const [i, cells] of records.entries())
      for (const [j, cell] of cells.entries())
        if (LIVE_CELL.test(cell))
          out.push(
            `record ${i + 1}, field ${j + 1} starts a formula: ${JSON.stringify(cell.slice(0, 60))}`,
          );
  } else if (lower.endsWith('.xlsx')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    for (const ws of wb.worksheets)
      ws.eachRow((row, r) =>
        row.eachCell((cell, c) => {
          if (cell.type === ExcelJS.ValueType.Formula || cell.formula)
            out.push(`${ws.name}!R${r}C${c} is a formula`);
          if (cell.type === ExcelJS.ValueType.Hyperlink || cell.hyperlink)
            out.push(`${ws.name}!R${r}C${c} is a link`);
        }),
      );
  } else if (lower.endsWith('.html')) {
    // Our own table script (sort and filter, allowed by the CSP through its hash) is the one script
    // a report may hold; any other, or partner text that became one, is a violation.
    const html = readFileSync(file, 'utf8').replace(`<script>${TABLE_SCRIPT}</script>`, '');
    if (/<script\b/i.test(html)) out.push('holds a <script>');
    if (/javascript:/i.test(html)) out.push('holds a javascript: URL');
    if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) out.push('holds an event handler attribute');
    if (/<(iframe|object|embed|form)\b/i.test(html)) out.push('holds an iframe/object/embed/form');
    for (const m of html.matchAll(/\s(?:href|src)\s*=\s*["']?([^"'\s>]+)/gi))
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(m[1] ?? '') && !/^data:/i.test(m[1] ?? ''))
        out.push(`links out to ${m[1]}`);
  }
  return out;
}

/** Output text: UTF-8 when it is, else the encoding of the partner whose outbox holds it. */
function decodeOutput(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    const partner = PARTNERS.find((p) =>
      file.includes(`${path.sep}outbox${path.sep}${p.id}${path.sep}`),
    );
    return iconv.decode(
      bytes,
      partner?.encoding && partner.encoding !== 'utf-8' ? partner.encoding : 'windows-1252',
    );
  }
}

/** Every file the program wrote for people: outbox, reports, quarantine reasons, logs, plans. */
function outputFiles(input: Pick<CheckInput, 'home' | 'plansDir'>): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  walk(path.join(input.home, 'outbox'));
  walk(path.join(input.home, 'reports'));
  walk(path.join(input.home, 'var', 'logs'));
  walk(input.plansDir);
  const quarantine = path.join(input.home, 'quarantine');
  walk(quarantine);
  return out.filter((f) => !f.startsWith(quarantine) || f.endsWith('.reason.txt'));
}

function versionOf(file: string): string {
  const st = statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

// 8 ─────────────────────────────────────────────────────────────────────────────────────────────
/** No token in any output: files, what each command printed, the ledger's text and its files. */
export const noTokenInOutput: Check = async (input) => {
  const { token } = input;
  const out: string[] = [];
  for (const r of input.commands) {
    if (r.stdout.includes(token)) out.push(`${r.label}: the token is on stdout`);
    if (r.stderr.includes(token)) out.push(`${r.label}: the token is on stderr`);
  }
  for (const file of outputFiles(input)) {
    const version = versionOf(file);
    if (input.scanned.get(`token:${file}`) === version) continue;
    const holds = file.toLowerCase().endsWith('.xlsx')
      ? (await xlsxText(file)).includes(token)
      : readFileSync(file).includes(token);
    if (holds) out.push(`${path.relative(input.home, file)} holds the token`);
    else input.scanned.set(`token:${file}`, version);
  }
  for (const t of input.snap.ledgerText)
    if (t.text.includes(token)) out.push(`the ledger's ${t.where} holds the token`);
  for (const f of input.databaseFiles)
    if (existsSync(f) && readFileSync(f).includes(token))
      out.push(`the database file ${path.basename(f)} holds the token`);
  return out;
};

async function xlsxText(file: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const parts: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        parts.push(cell.text);
        const note = cell.note as unknown;
        if (note) parts.push(JSON.stringify(note));
      }),
    );
  return parts.join('\n');
}

// 9 ─────────────────────────────────────────────────────────────────────────────────────────────
/**
 * No run is left "running" once a later run has held the lock (it marks every dead run abandoned),
 * and every finished run has its summary.json and no temporary file in its report folder.
 */
export const noRunLeftRunning: Check = ({ snap }) => {
  const out: string[] = [];
  const finished = snap.runs.filter((r) => r.status !== 'running' && !r.dryRun);
  for (const r of snap.runs) {
    if (r.status !== 'running') continue;
    const later = finished.find((l) => l.startedAt > r.startedAt);
    if (later)
      out.push(
        `run ${r.id} (pid ${r.pid}) is still 'running', though run ${later.id} held the lock after it and finished ${later.status}`,
      );
  }
  for (const r of snap.runs) {
    if (r.status === 'running' || !r.reportDir) continue;
    if (!existsSync(path.join(r.reportDir, 'summary.json')))
      out.push(`run ${r.id} (${r.status}) has no summary.json in ${r.reportDir}`);
    else
      for (const name of readdirSync(r.reportDir))
        if (/\.tmp$|\.\d+\.tmp$/.test(name))
          out.push(`run ${r.id} (${r.status}) left ${name} in its report folder`);
  }
  return out;
};

// 10 ────────────────────────────────────────────────────────────────────────────────────────────
const EXIT_OF_STATUS: Record<string, number[]> = {
  ok: [0],
  partial: [1],
  attention: [1],
  failed: [3, 75],
};

/** Exit codes agree with the summary, and the summary with the ledger's run record. */
export const exitCodesAgree: Check = ({ commands, contacts, snap }) => {
  const out: string[] = [];
  for (const r of commands) {
    if (r.signal === 'SIGKILL' || !r.args.includes('--json')) continue;
    const s = summaryOf(r);
    if (!s) continue; // summaryCountsAddUp says so
    if (s.exitCode !== r.code)
      out.push(`${r.label} ${s.runId}: exited ${r.code}, its summary says ${s.exitCode}`);
    if (!(EXIT_OF_STATUS[s.status] ?? []).includes(s.exitCode))
      out.push(`${r.label} ${s.runId}: status ${s.status} with exit code ${s.exitCode}`);
    if (s.exitCode === 75) {
      if (snap.runs.some((x) => x.id === s.runId))
        out.push(`${r.label}: exited 75 (lock held), yet run ${s.runId} is in the ledger`);
      continue;
    }
    if (s.reportDir === '') continue; // a run that could not start (exit 3 before the ledger opened)
    const run = snap.runs.find((x) => x.id === s.runId);
    if (!run) out.push(`${r.label} ${s.runId}: not in the ledger's runs`);
    else if (run.status !== s.status || run.exitCode !== s.exitCode)
      out.push(
        `${r.label} ${s.runId}: the ledger records ${run.status}/${run.exitCode}, the summary ${s.status}/${s.exitCode}`,
      );
    const onDisk = path.join(s.reportDir, 'summary.json');
    if (existsSync(onDisk)) {
      const written = JSON.parse(readFileSync(onDisk, 'utf8')) as Summary;
      if (written.exitCode !== s.exitCode || written.status !== s.status)
        out.push(
          `${r.label} ${s.runId}: summary.json says ${written.status}/${written.exitCode}, stdout ${s.status}/${s.exitCode}`,
        );
    }
  }
  for (const c of contacts) {
    const code = c.result.code;
    if (c.hadOpenCheck && code !== 0)
      out.push(
        `rpl contact ${c.partner}/${c.externalId}: exit ${code} though the ledger had an open RPL check: ${c.result.stderr.trim().slice(0, 200)}`,
      );
    if (!c.hadOpenCheck && code !== 2)
      out.push(
        `rpl contact ${c.partner}/${c.externalId}: exit ${code} for a customer without an open RPL check (expected 2)`,
      );
  }
  return out;
};

// 11 ────────────────────────────────────────────────────────────────────────────────────────────
/** Runs never overlap on one ledger: the lock lets one run at a time. */
export const oneRunAtATime: Check = ({ snap }) => {
  const out: string[] = [];
  // An abandoned run's end is when a later run found it dead, not when it stopped working.
  const runs = snap.runs.filter(
    (r) => !r.dryRun && r.finishedAt !== null && r.status !== 'abandoned',
  );
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i] as (typeof runs)[number];
      const b = runs[j] as (typeof runs)[number];
      if (a.startedAt < (b.finishedAt as string) && b.startedAt < (a.finishedAt as string))
        out.push(`runs ${a.id} (pid ${a.pid}) and ${b.id} (pid ${b.pid}) overlapped in time`);
    }
  return out;
};

/** Every invariant, by name, in the order they are reported. */
export const INVARIANTS: readonly { name: string; check: Check }[] = [
  { name: 'no externalId twice in Webex', check: noExternalIdTwice },
  { name: 'every accepted row has one outcome', check: acceptedRowsHaveOutcome },
  { name: 'Webex equals the ledger', check: webexMatchesLedger },
  { name: 'every dropped file accounted for', check: dropsAccounted },
  { name: 'results files match the ledger', check: resultsFilesMatchLedger },
  { name: 'summary counts add up', check: summaryCountsAddUp },
  { name: 'no formula, link or script in outputs', check: noFormulaLinkScript },
  { name: 'no token in outputs', check: noTokenInOutput },
  { name: 'no run left running', check: noRunLeftRunning },
  { name: 'exit codes agree with summaries', check: exitCodesAgree },
  { name: 'one run at a time', check: oneRunAtATime },
];

/** Runs every check; a check that throws is a violation of its own. */
export async function checkAll(
  input: CheckInput,
): Promise<{ name: string; violations: string[] }[]> {
  const results: { name: string; violations: string[] }[] = [];
  for (const inv of INVARIANTS) {
    try {
      results.push({ name: inv.name, violations: await inv.check(input) });
    } catch (err) {
      results.push({
        name: inv.name,
        violations: [`the check itself failed: ${(err as Error).stack ?? String(err)}`],
      });
    }
  }
  return results;
}
