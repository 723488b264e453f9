// The campaign's workspace: a real rtm-batch home, its ledger (SQLite on a small file system of its
// own, or a fresh PostgreSQL schema whose tables live in a tablespace on one), and the installed
// command run as cron would run it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { mountSmallFs, type SmallFs } from '../test/support/small-fs.ts';
import { PARTNERS } from './generate.ts';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

export type Backend = 'sqlite' | 'pg';

/** The environment variable every partner's token is read from (one Webex view: see README). */
export const TOKEN_ENV = 'SOAK_WEBEX_TOKEN';

export interface Workspace {
  dir: string;
  home: string;
  backend: Backend;
  /** What the workspace config names as its database. */
  database: { client: 'sqlite3' | 'pg'; connection: string };
  /** The token every partner sends (a secret: no output may hold it). */
  token: string;
  /** A knex connection to the ledger for the checks (opened per use). */
  openLedger(): Knex;
  /** The database's own small file system, when one could be mounted (root). */
  dbFs: DbFs | null;
  close(keep: boolean): Promise<void>;
}

/** A tmpfs the ledger lives on, to fill up for a night. */
export interface DbFs {
  dir: string;
  fill(): void;
  free(): void;
}

const DB_FS_KIB = 256 * 1024;

function mountTmpfs(dir: string, owner: string | null): DbFs | null {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return null;
  let fs: SmallFs;
  try {
    fs = mountSmallFs(dir, DB_FS_KIB, '0777');
  } catch {
    return null;
  }
  if (owner) execFileSync('chown', [owner, dir]);
  return {
    dir,
    // Room for a few pages: the run opens, then its first real writes fail.
    fill: () => fs.fill(16 * 1024),
    free: () => fs.free(),
  };
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // not mounted
  }
}

/** Builds the campaign's folder, its ledger and its partners' inboxes. */
export async function createWorkspace(
  root: string,
  label: string,
  backend: Backend,
  seed: number,
): Promise<Workspace> {
  const dir = path.join(root, `${label}-${randomBytes(3).toString('hex')}`);
  const home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  for (const p of PARTNERS) mkdirSync(path.join(home, 'inbox', p.id), { recursive: true });
  const token = `soakTok_${seed}_${randomBytes(12).toString('hex')}`;

  if (backend === 'sqlite') {
    const dbFs = mountTmpfs(path.join(dir, 'dbfs'), null);
    const file = path.join(dir, 'dbfs', 'ledger.sqlite');
    const database = { client: 'sqlite3' as const, connection: file };
    return {
      dir,
      home,
      backend,
      database,
      token,
      dbFs,
      openLedger: () =>
        knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true }),
      close: (keep) => {
        if (!keep) {
          if (dbFs) unmount(dbFs.dir);
          rmSync(dir, { recursive: true, force: true });
        }
        return Promise.resolve();
      },
    };
  }

  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--db pg needs DATABASE_URL (postgres://…)');
  const schema = `soak_${seed}_${randomBytes(4).toString('hex')}`;
  // The tables go into a tablespace on a tmpfs of their own, so a night can fill the disk under them.
  const dbFs = mountTmpfs(path.join(dir, 'dbfs'), 'postgres');
  const admin = knexFactory({ client: 'pg', connection: url });
  let tablespace: string | null = null;
  try {
    await admin.raw(`CREATE SCHEMA ${schema}`);
    if (dbFs) {
      const location = path.join(dbFs.dir, 'pg');
      mkdirSync(location);
      execFileSync('chown', ['postgres', location]);
      tablespace = schema;
      await admin.raw(`CREATE TABLESPACE ${tablespace} LOCATION '${location}'`);
    }
  } finally {
    await admin.destroy();
  }
  const withOptions = new URL(url);
  withOptions.searchParams.set(
    'options',
    `-c search_path=${schema}${tablespace ? ` -c default_tablespace=${tablespace}` : ''}`,
  );
  const connection = withOptions.toString();
  return {
    dir,
    home,
    backend,
    database: { client: 'pg', connection },
    token,
    dbFs,
    openLedger: () => knexFactory({ client: 'pg', connection, pool: { min: 0, max: 2 } }),
    close: async (keep) => {
      if (keep) return;
      const a = knexFactory({ client: 'pg', connection: url });
      try {
        await a.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        if (tablespace) await a.raw(`DROP TABLESPACE IF EXISTS ${tablespace}`);
      } finally {
        await a.destroy();
      }
      if (dbFs) unmount(dbFs.dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes the workspace configuration for a night (the proxy's address may change). */
export function writeWorkspaceConfig(ws: Workspace, webexUrl: string): void {
  const partners: Record<string, unknown> = {};
  for (const p of PARTNERS)
    partners[p.id] = {
      locale: p.locale,
      ...(p.encoding && p.encoding !== 'utf-8' ? { encoding: p.encoding } : {}),
      orgId: p.orgId,
      webex: { tokenEnv: TOKEN_ENV },
    };
  const config = {
    inbox: { stableSeconds: 0 },
    partners,
    webex: {
      baseUrl: webexUrl,
      requestsPerSecond: 40,
      concurrency: 4,
      timeoutMs: 2500,
      retryBudget: 200,
      pollSeconds: 0.2,
      waitForProvisionedSeconds: 4,
    },
    database: ws.database,
    lock: { leaseSeconds: 20 },
    rpl: { overdueMinutes: 60, nonCompliantDays: 6, unreachableAttempts: 2, deprovisionCap: 4 },
    logging: { level: 'info' },
  };
  writeFileSync(path.join(ws.home, 'rtm-batch.config.json'), JSON.stringify(config, null, 2));
}

/** How one command ended. */
export interface CommandResult {
  label: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number;
  /** Set when the harness signalled the process itself (and it was still running). */
  signalled: NodeJS.Signals | null;
}

/** A command started: wait for it, or signal it. */
export interface Running {
  child: ChildProcess;
  done: Promise<CommandResult>;
  signal(sig: NodeJS.Signals): boolean;
}

/** Starts the installed command in the workspace, with RTM_NOW from the night's clock. */
export function startCommand(
  ws: Workspace,
  label: string,
  args: string[],
  env: Record<string, string>,
  nowMs: number,
): Running {
  const started = performance.now();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    RTM_NOW: new Date(nowMs).toISOString(),
    [TOKEN_ENV]: ws.token,
    ...env,
  };
  delete childEnv.DATABASE_URL;
  delete childEnv.RTM_HOME;
  const child = spawn(process.execPath, [BIN, '--home', ws.home, ...args], {
    env: childEnv,
    cwd: ws.home,
  });
  let stdout = '';
  let stderr = '';
  let signalled: NodeJS.Signals | null = null;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        label,
        args,
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - started,
        pid: child.pid ?? -1,
        signalled,
      }),
    );
  });
  return {
    child,
    done,
    signal(sig) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      signalled = sig;
      return child.kill(sig);
    },
  };
}
