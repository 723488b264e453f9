// Shared by the engine's process-level tests: a simulator in its own process, a workspace whose
// ledger is staged directly, and the checks that every entity exists once and every row has one outcome.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  hashDesired,
  type CustomerDesired,
  type SubscriberDesired,
} from '../../src/rules/index.ts';
import {
  acquireLease,
  ensurePartner,
  migrateDb,
  openDb,
  stageFile,
  type Db,
} from '../../src/store/index.ts';
import { PIPELINE_LOCK } from '../../src/runs/run-job.ts';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { nextLink } from '../../src/webex/index.ts';
import { REPO_ROOT, tempHome, writeConfig } from '../support/cli.ts';
import { customerDoc } from '../support/staging.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

export interface SimProcess {
  url: string;
  stateFile: string;
  /** Stops the simulator (it writes its state file) and reads the state back. */
  stop(): Promise<SimState>;
  /**
   * The state now, listed through the Wholesale API (every page): not from the state file, which
   * the simulator writes a while after a change (longer as the machine is busier).
   */
  read(): Promise<SimState>;
}

export interface SimState {
  customers: { id: string; externalId: string }[];
  subscribers: { id: string; email: string; customerId: string; status: string }[];
}

/** `rtm-batch simulator` in its own process, as an operator would run it. */
export async function startSimProcess(simulator: Record<string, unknown>): Promise<SimProcess> {
  const home = tempHome('rtm-sim-');
  writeConfig(home, { simulator });
  const stateFile = path.join(home, 'state.json');
  const child = spawn(process.execPath, [BIN, 'simulator', '--port', '0', '--state', stateFile], {
    env: { ...process.env, RTM_HOME: home, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return {
    url,
    stateFile,
    stop: async () => {
      await stopProcess(child);
      return JSON.parse(readFileSync(stateFile, 'utf8')) as SimState;
    },
    read: async () => ({
      customers: await listAll<SimState['customers'][number]>(
        `${url}/wholesale/customers?max=1000`,
      ),
      subscribers: await listAll<SimState['subscribers'][number]>(
        `${url}/wholesale/subscribers?max=100`,
      ),
    }),
  };
}

/** Every item of a simulator list, following its `Link: <…>; rel="next"` pages. */
async function listAll<T>(first: string): Promise<T[]> {
  const items: T[] = [];
  for (let next: URL | null = new URL(first); next !== null;) {
    const res = await fetch(next, { headers: { authorization: 'Bearer test-reader' } });
    if (!res.ok)
      throw new Error(`simulator list ${next.href}: HTTP ${res.status} ${await res.text()}`);
    items.push(...((await res.json()) as { items: T[] }).items);
    next = nextLink(res.headers.get('link'), next);
  }
  return items;
}

export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export interface Workspace {
  home: string;
  database: DatabaseConfig;
  db: Db;
}

/** A workspace pointed at a running simulator, its ledger opened for staging and checks. */
export async function workspace(
  simUrl: string,
  opts: { database?: DatabaseConfig; webex?: Record<string, unknown>; leaseSeconds?: number } = {},
): Promise<Workspace> {
  const home = tempHome('rtm-engine-');
  mkdirSync(path.join(home, 'var'), { recursive: true });
  const database: DatabaseConfig = opts.database ?? {
    client: 'sqlite3',
    connection: path.join(home, 'var', 'rtm-batch.sqlite'),
  };
  writeConfig(home, {
    webex: {
      baseUrl: simUrl,
      requestsPerSecond: 200,
      concurrency: 8,
      pollSeconds: 0.1,
      waitForProvisionedSeconds: 20,
      timeoutMs: 5000,
      ...opts.webex,
    },
    partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } },
    database,
    lock: { leaseSeconds: opts.leaseSeconds ?? 10 },
  });
  const db = openDb(database);
  await migrateDb(db);
  return { home, database, db };
}

/** Runs the installed command in a workspace; `onSpawn` sees the child (to signal it). */
export function runRtm(
  ws: Workspace,
  args: string[],
  env: Record<string, string> = {},
  onSpawn?: (child: ChildProcess) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', ws.home, ...args], {
      env: { ...process.env, ACME_TOKEN: 'acme-token-1234', DATABASE_URL: '', ...env },
      cwd: ws.home,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}

/** A desired subscriber on a Meetings customer. */
export function subscriberDoc(customerExternalId: string, email: string): SubscriberDesired {
  return {
    customerExternalId,
    email,
    action: 'upsert',
    package: 'webex_meetings',
    isAdmin: false,
    firstName: 'Test',
    lastName: 'User',
  };
}

/** Stages customers and subscribers as one processed file would. */
export async function stage(
  db: Db,
  partner: string,
  customers: CustomerDesired[],
  subscribers: SubscriberDesired[] = [],
  name = 'sheet.xlsx',
): Promise<void> {
  const now = new Date().toISOString();
  const runId = `stage-${Math.random().toString(16).slice(2, 10)}`;
  await ensurePartner(db, partner, 'en', now);
  await db('runs').insert({
    id: runId,
    job: 'import',
    status: 'ok',
    dry_run: false,
    started_at: now,
    host: 'test',
    pid: process.pid,
  });
  const sha256 = createHash('sha256').update(`${runId}:${name}`).digest('hex');
  await stageFile(
    db,
    {
      partner,
      runId,
      name,
      sha256,
      size: 1,
      format: 'xlsx',
      encoding: null,
      status: 'processed',
      code: null,
      message: null,
      storedPath: null,
      duplicateOf: null,
      details: null,
      now,
    },
    [
      ...customers.map((doc, i) => ({
        sheet: 'Customers',
        row: i + 2,
        kind: 'customer' as const,
        entityKey: doc.externalId,
        issues: [],
        desired: { action: doc.action, hash: hashDesired(doc), doc },
      })),
      ...subscribers.map((doc, i) => ({
        sheet: 'Subscribers',
        row: i + 2,
        kind: 'subscriber' as const,
        entityKey: `${doc.customerExternalId}/${doc.email}`,
        issues: [],
        desired: {
          action: doc.action,
          hash: hashDesired(doc),
          doc,
          customerExternalId: doc.customerExternalId,
          email: doc.email.toLowerCase(),
        },
      })),
    ],
  );
}

/** `n` customers with `per` subscribers each. */
export function population(n: number, per: number, prefix = 'c') {
  const customers = Array.from({ length: n }, (_, i) => customerDoc(`${prefix}-${i}`));
  const subscribers = customers.flatMap((c) =>
    Array.from({ length: per }, (_, j) =>
      subscriberDoc(c.externalId, `u${j}@${c.externalId}.example`),
    ),
  );
  return { customers, subscribers };
}

/** Every externalId (or subscriber key) and how often Webex holds it. */
export function multiplicity(state: SimState, prefix = '') {
  const customers = new Map<string, number>();
  const mine = new Set<string>();
  for (const c of state.customers) {
    if (!c.externalId.startsWith(prefix)) continue;
    mine.add(c.id);
    customers.set(c.externalId, (customers.get(c.externalId) ?? 0) + 1);
  }
  const subscribers = new Map<string, number>();
  for (const s of state.subscribers) {
    if (!mine.has(s.customerId)) continue;
    const key = `${s.customerId}/${s.email.toLowerCase()}`;
    subscribers.set(key, (subscribers.get(key) ?? 0) + 1);
  }
  return { customers, subscribers };
}

/** Rows of the ledger with their provisioning result, and the outbox's changes by status. */
export async function ledgerState(db: Db) {
  const rows = (await db('row_outcomes').select('kind', 'entity_key', 'result', 'webex_id')) as {
    kind: string;
    entity_key: string;
    result: string | null;
    webex_id: string | null;
  }[];
  const changes = (await db('changes').select('entity', 'entity_key', 'action', 'status')) as {
    entity: string;
    entity_key: string;
    action: string;
    status: string;
  }[];
  return { rows, changes };
}

/** Takes the run lock as run `runId` would, for a worker that works for that run. */
export async function holdRunLock(db: Db, runId: string): Promise<void> {
  const got = await acquireLease(db, {
    name: PIPELINE_LOCK,
    owner: runId,
    host: 'test',
    pid: process.pid,
    now: new Date(),
    ttlMs: 60_000,
  });
  if (!got.acquired) throw new Error(`the run lock is held by ${got.holder.owner}`);
}
