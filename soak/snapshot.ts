// What the checks look at after a night, read once: the ledger's tables, Webex as the simulator
// holds it (on the night's clock), and the workspace's folders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  customerStatusAt,
  type CustomerStatus,
  type LifecyclePolicy,
  type SimulatorState,
} from '../src/webex/simulator/index.ts';
import { PARTNERS } from './generate.ts';

export interface FileRow {
  id: number;
  partner: string;
  runId: string;
  name: string;
  sha256: string | null;
  status: string;
  code: string | null;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  storedPath: string | null;
  details: { delimiter?: string; headerRow?: number } | null;
  total: number;
  accepted: number;
  rejected: number;
}

export interface RowOutcome {
  id: number;
  fileId: number;
  runId: string;
  partner: string;
  sheet: string;
  row: number;
  kind: 'customer' | 'subscriber';
  entityKey: string | null;
  outcome: 'accepted' | 'rejected';
  result: string | null;
}

export interface EntityRow {
  id: number;
  partner: string;
  /** external id, or `<customer external id>/<email>` for a subscriber */
  key: string;
  customerExternalId: string;
  email: string | null;
  desired: { packages?: string[]; package?: string } & Record<string, unknown>;
  desiredHash: string;
  desiredAction: 'upsert' | 'delete';
  sourceRowId: number | null;
  webexId: string | null;
  webexCustomerId: string | null;
  webexStatus: string | null;
  appliedHash: string | null;
}

export interface ChangeRow {
  id: number;
  partner: string;
  entity: 'customer' | 'subscriber';
  entityId: number;
  entityKey: string;
  action: string;
  status: string;
  outcome: string | null;
  webexId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  sourceRowId: number | null;
  completedRunId: string | null;
}

export interface RunRow {
  id: string;
  job: string;
  status: string;
  exitCode: number | null;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  pid: number;
  reportDir: string | null;
  error: string | null;
}

export interface WebexCustomer {
  id: string;
  externalId: string;
  orgId: string;
  packages: string[];
  status: CustomerStatus;
}

export interface WebexSubscriber {
  id: string;
  email: string;
  customerId: string;
  packages: string[];
}

export interface Snapshot {
  files: FileRow[];
  rows: RowOutcome[];
  customers: EntityRow[];
  subscribers: EntityRow[];
  changes: ChangeRow[];
  runs: RunRow[];
  /** Free text the ledger keeps (messages, errors), to look for secrets in. */
  ledgerText: { where: string; text: string }[];
  webex: { customers: WebexCustomer[]; subscribers: WebexSubscriber[] };
  /** Files now in each partner's inbox and claims folder, with their sha256. */
  inbox: { partner: string; name: string; claimed: boolean; sha256: string }[];
}

/** Names a run reads from a drop zone (contract §2). */
const READ_NAME = /^[^.~].*\.(csv|tsv|txt|xlsx)$/i;

export const OPEN_CHANGE = new Set(['pending', 'in_flight', 'unknown', 'awaiting']);

const num = (v: unknown) => Number(v);
const json = <T>(v: unknown): T | null =>
  typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : null;

/** Reads the ledger (every table the checks need) through a connection of the harness's own. */
export async function readLedger(db: Knex): Promise<Omit<Snapshot, 'webex' | 'inbox'>> {
  const has = await db.schema.hasTable('files');
  if (!has)
    return {
      files: [],
      rows: [],
      customers: [],
      subscribers: [],
      changes: [],
      runs: [],
      ledgerText: [],
    };
  const files = ((await db('files').orderBy('id').select()) as Record<string, unknown>[]).map(
    (r): FileRow => ({
      id: num(r.id),
      partner: r.partner_id as string,
      runId: r.run_id as string,
      name: r.name as string,
      sha256: (r.sha256 as string | null) ?? null,
      status: r.status as string,
      code: (r.code as string | null) ?? null,
      format: (r.format as FileRow['format']) ?? null,
      encoding: (r.encoding as string | null) ?? null,
      storedPath: (r.stored_path as string | null) ?? null,
      details: json(r.details),
      total: num(r.rows_total),
      accepted: num(r.rows_accepted),
      rejected: num(r.rows_rejected),
    }),
  );
  const rows = (
    (await db('row_outcomes')
      .orderBy('id')
      .select(
        'id',
        'file_id',
        'run_id',
        'partner_id',
        'sheet',
        'row_number',
        'kind',
        'entity_key',
        'outcome',
        'result',
      )) as Record<string, unknown>[]
  ).map((r): RowOutcome => ({
    id: num(r.id),
    fileId: num(r.file_id),
    runId: r.run_id as string,
    partner: r.partner_id as string,
    sheet: r.sheet as string,
    row: num(r.row_number),
    kind: r.kind as RowOutcome['kind'],
    entityKey: (r.entity_key as string | null) ?? null,
    outcome: r.outcome as RowOutcome['outcome'],
    result: (r.result as string | null) ?? null,
  }));
  const entity = (r: Record<string, unknown>, kind: 'customer' | 'subscriber'): EntityRow => ({
    id: num(r.id),
    partner: r.partner_id as string,
    key:
      kind === 'customer'
        ? (r.external_id as string)
        : `${r.customer_external_id as string}/${r.email as string}`,
    customerExternalId: (kind === 'customer' ? r.external_id : r.customer_external_id) as string,
    email: kind === 'subscriber' ? (r.email as string) : null,
    desired: json(r.desired) ?? {},
    desiredHash: r.desired_hash as string,
    desiredAction: r.desired_action as EntityRow['desiredAction'],
    sourceRowId:
      r.source_row_id === null || r.source_row_id === undefined ? null : num(r.source_row_id),
    webexId: (r.webex_id as string | null) ?? null,
    webexCustomerId:
      kind === 'subscriber' ? ((r.webex_customer_id as string | null) ?? null) : null,
    webexStatus: (r.webex_status as string | null) ?? null,
    appliedHash: (r.applied_hash as string | null) ?? null,
  });
  const customers = (
    (await db('customers').orderBy('id').select()) as Record<string, unknown>[]
  ).map((r) => entity(r, 'customer'));
  const subscribers = (
    (await db('subscribers').orderBy('id').select()) as Record<string, unknown>[]
  ).map((r) => entity(r, 'subscriber'));
  const changes = ((await db('changes').orderBy('id').select()) as Record<string, unknown>[]).map(
    (r): ChangeRow => ({
      id: num(r.id),
      partner: r.partner_id as string,
      entity: r.entity as ChangeRow['entity'],
      entityId: num(r.entity_id),
      entityKey: r.entity_key as string,
      action: r.action as string,
      status: r.status as string,
      outcome: (r.outcome as string | null) ?? null,
      webexId: (r.webex_id as string | null) ?? null,
      errorCode: (r.error_code as string | null) ?? null,
      errorMessage: (r.error_message as string | null) ?? null,
      sourceRowId:
        r.source_row_id === null || r.source_row_id === undefined ? null : num(r.source_row_id),
      completedRunId: (r.completed_run_id as string | null) ?? null,
    }),
  );
  const runs = ((await db('runs').orderBy('started_at').select()) as Record<string, unknown>[]).map(
    (r): RunRow => ({
      id: r.id as string,
      job: r.job as string,
      status: r.status as string,
      exitCode: r.exit_code === null || r.exit_code === undefined ? null : num(r.exit_code),
      dryRun: Boolean(r.dry_run),
      startedAt: r.started_at as string,
      finishedAt: (r.finished_at as string | null) ?? null,
      pid: num(r.pid),
      reportDir: (r.report_dir as string | null) ?? null,
      error: (r.error as string | null) ?? null,
    }),
  );
  const ledgerText: Snapshot['ledgerText'] = [];
  for (const r of runs)
    if (r.error) ledgerText.push({ where: `runs ${r.id} error`, text: r.error });
  for (const c of changes)
    if (c.errorMessage)
      ledgerText.push({ where: `changes ${c.id} error_message`, text: c.errorMessage });
  const texts = [
    ['row_outcomes', 'result_message'],
    ['row_issues', 'message'],
    ['rpl_deprovisions', 'message'],
    ['rpl_contact_attempts', 'note'],
    ['customers', 'webex_state'],
    ['subscribers', 'webex_state'],
  ] as const;
  for (const [table, column] of texts) {
    const found = (await db(table).whereNotNull(column).select('id', column)) as Record<
      string,
      unknown
    >[];
    for (const r of found)
      ledgerText.push({ where: `${table} ${String(r.id)} ${column}`, text: String(r[column]) });
  }
  return { files, rows, customers, subscribers, changes, runs, ledgerText };
}

/** Webex as the simulator holds it now: customers with their status on the night's clock. */
export function readWebex(
  state: SimulatorState,
  nowMs: number,
  policy: LifecyclePolicy,
): Snapshot['webex'] {
  return {
    customers: [...state.customers.values()].map((c) => ({
      id: c.id,
      externalId: c.externalId,
      orgId: c.orgId,
      packages: [...c.packages],
      status: customerStatusAt(c, nowMs, policy),
    })),
    subscribers: [...state.subscribers.values()].map((s) => ({
      id: s.id,
      email: s.email,
      customerId: s.customerId,
      packages: [...s.packages],
    })),
  };
}

/** The files in each partner's drop zone and claims folder. */
export function readInbox(home: string): Snapshot['inbox'] {
  const out: Snapshot['inbox'] = [];
  for (const p of PARTNERS) {
    const dir = path.join(home, 'inbox', p.id);
    for (const [folder, claimed] of [
      [dir, false],
      [path.join(dir, '.rtm-claims'), true],
    ] as const) {
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder)) {
        const full = path.join(folder, name);
        // Only what the run reads: not its claim records (`*.claim.json`) nor dot-files.
        if (!statSync(full).isFile() || !READ_NAME.test(name)) continue;
        out.push({
          partner: p.id,
          name,
          claimed,
          sha256: createHash('sha256').update(readFileSync(full)).digest('hex'),
        });
      }
    }
  }
  return out;
}
