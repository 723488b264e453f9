import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { DatabaseConfig } from '../config/index.ts';
import { migrationSource } from './migrations/index.ts';

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

// Counts and bigIncrements ids come back from pg as strings; every id here fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** SQLite waits this long for another writer before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

export interface DbOptions {
  /** PostgreSQL schema to work in (tests use one per file). */
  searchPath?: string;
}

/** knex settings for a database config; shared by the program and knexfile.ts. */
export function knexSettings(db: DatabaseConfig, opts: DbOptions = {}): Knex.Config {
  const migrations = { migrationSource, tableName: 'knex_migrations' };
  const shared = { migrations, log: KNEX_LOG };
  if (db.client === 'sqlite3') {
    return {
      client: 'sqlite3',
      connection: { filename: db.connection },
      useNullAsDefault: true,
      // One connection: SQLite has one writer, and a second pooled connection would wait on it.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConn, done: (err: Error | null, conn: SqliteConn) => void) => {
          conn.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
          // A 16 MiB page cache (negative: KiB): staging 300,000 rows took no longer than with
          // 64 MiB, and the cache is held for the whole run. Temporary files on disk: a sort past
          // the cache (the report's quota use groups every subscriber) spills there; with
          // temp_store = MEMORY it was held in memory, 260 MB of a 1M-row import's 555 MB peak.
          // synchronous = FULL: a COMMIT returns once the WAL is on disk. Under NORMAL a power cut
          // or OS crash could take back the last commits, among them a change marked as sent
          // before its request left (the next run would then send it again, not look it up) or a
          // file recorded before it was moved to archive/. About 0.4 ms per commit here.
          conn.exec(
            'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; PRAGMA temp_store = FILE;',
            (err) => done(err, conn),
          );
        },
      },
      ...shared,
    };
  }
  return {
    client: 'pg',
    connection: db.connection,
    pool: { min: 0, max: 8 },
    ...(opts.searchPath ? { searchPath: [opts.searchPath] } : {}),
    ...shared,
  };
}

interface SqliteConn {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * knex's own warnings (a connection it throws away, a deprecation) go to stderr: its default,
 * console.warn, writes to stdout, which `--json` keeps for the summary alone.
 */
const KNEX_LOG = {
  warn: (message: unknown) => process.stderr.write(`knex: ${String(message)}\n`),
  error: (message: unknown) => process.stderr.write(`knex: ${String(message)}\n`),
  deprecate: (method: string, alternative: string) =>
    process.stderr.write(`knex: ${method} is deprecated, use ${alternative}\n`),
  debug: () => undefined,
};

/** Opens the database (creating the SQLite file's folder) without migrating it. */
export function openDb(db: DatabaseConfig, opts: DbOptions = {}): Db {
  if (db.client === 'sqlite3') mkdirSync(path.dirname(db.connection), { recursive: true });
  return checkCommits(knexFactory(knexSettings(db, opts)));
}

/**
 * Makes a refused COMMIT fail the transaction that asked for it. knex runs COMMIT through a query
 * that swallows its error: `await trx.commit()` resolves although the database refused it (a full
 * disk, an I/O error, a deferred constraint), only the transaction's `executionPromise` rejects, and
 * SQLite may keep the connection inside the failed transaction, so knex hands the next query a
 * connection whose writes join it and are lost with it (reproduced with a deferred foreign key and
 * on a full file system; hazards.md). Here COMMIT rejects the caller's `commit()` (a handler's
 * transaction then rolls back, ending any transaction SQLite kept open), and the connection is
 * marked for the pool to close and replace instead of reusing it.
 */
export function checkCommits(db: Knex): Knex {
  const client = db.client as { transaction: (...args: unknown[]) => KnexTransaction };
  const open = client.transaction;
  client.transaction = function (this: unknown, ...args: unknown[]) {
    const trx = open.apply(this, args);
    trx.commit = checkedCommit;
    return trx;
  };
  return db;
}

/** knex's internal transaction object: what checkedCommit replaces and uses. */
interface KnexTransaction {
  commit(conn: PooledConnection, value?: unknown): Promise<unknown>;
  trxClient: { query(conn: PooledConnection, sql: string): Promise<unknown> };
  _completed: boolean;
  _resolver(value: unknown): void;
  _rejecter(err: unknown): void;
}

/** A pooled connection; the pool closes one that carries `__knex__disposed` instead of reusing it. */
interface PooledConnection {
  __knex__disposed?: unknown;
}

function checkedCommit(
  this: KnexTransaction,
  conn: PooledConnection,
  value?: unknown,
): Promise<unknown> {
  const committed = this.trxClient.query(conn, 'COMMIT;').then(
    () => this._resolver(value),
    (err: unknown) => {
      conn.__knex__disposed = err;
      this._rejecter(err);
      throw err;
    },
  );
  // As knex's own commit: once COMMIT is sent, no other query may join the transaction.
  this._completed = true;
  return committed;
}

/** Brings the schema up to date; safe when several processes start at once. */
export async function migrateDb(db: Db): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await prepareMigrationLock(db);
      const [, pending] = (await db.migrate.list()) as [unknown[], unknown[]];
      if (pending.length === 0) return; // the usual start: nothing to do, no lock taken
      await db.migrate.latest();
      return;
    } catch (err) {
      // Another process is migrating (its lock, or a table it is creating): it finishes soon.
      const busy = /already locked|SQLITE_BUSY|duplicate key value|already exists/i.test(
        String((err as Error).message),
      );
      if (!busy || Date.now() - started > MIGRATION_WAIT_MS) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** How long a start waits for another process's migration. */
export const MIGRATION_WAIT_MS = 60_000;

/**
 * Creates knex's migration lock table with its one row under a fixed key. Left to knex, two
 * processes starting on a fresh database can each insert a row, and then both fail for ever with
 * "Migration table is already locked" (its lock update must touch exactly one row).
 */
async function prepareMigrationLock(db: Db): Promise<void> {
  const sqlite = (db.client as { config: Knex.Config }).config.client === 'sqlite3';
  const key = sqlite
    ? '"index" integer not null primary key autoincrement'
    : '"index" serial primary key';
  await db.raw(`CREATE TABLE IF NOT EXISTS knex_migrations_lock (${key}, "is_locked" integer)`);
  // Read first: a start must not need SQLite's write lock, which a long import may be holding.
  if (await db('knex_migrations_lock').where('index', 1).first()) return;
  await db.raw(
    'INSERT INTO knex_migrations_lock ("index", "is_locked") VALUES (1, 0) ON CONFLICT DO NOTHING',
  );
}
