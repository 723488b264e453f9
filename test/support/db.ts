import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { migrateDb, openDb, type Db } from '../../src/store/index.ts';

export type Backend = 'sqlite' | 'pg';

/** The backends store tests run on: SQLite always, PostgreSQL when DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  return process.env.DATABASE_URL ? ['sqlite', 'pg'] : ['sqlite'];
}

export interface TestDb {
  db: Db;
  database: DatabaseConfig;
  /** Extra knex options a second connection needs to see the same data (the pg schema). */
  searchPath?: string;
  /** A second, separate connection to the same data: what another process would see. */
  reopen(): Promise<Db>;
  close(): Promise<void>;
}

/** A fresh database migrated with the real migrations: a SQLite file, or a new PostgreSQL schema. */
export async function freshDb(backend: Backend): Promise<TestDb> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-db-'));
    const database: DatabaseConfig = {
      client: 'sqlite3',
      connection: path.join(dir, 'test.sqlite'),
    };
    const db = openDb(database);
    await migrateDb(db);
    return {
      db,
      database,
      reopen: () => Promise.resolve(openDb(database)),
      close: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DATABASE_URL as string;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const database: DatabaseConfig = { client: 'pg', connection: url };
  const db = openDb(database, { searchPath: schema });
  await migrateDb(db);
  return {
    db,
    database,
    searchPath: schema,
    reopen: () => Promise.resolve(openDb(database, { searchPath: schema })),
    close: async () => {
      await db.raw(`DROP SCHEMA ${schema} CASCADE`);
      await db.destroy();
    },
  };
}

/** The ledger a command run by a CLI test uses: its workspace's SQLite file, or a fresh PostgreSQL schema. */
export interface CliLedger {
  /** What to add to the command's environment (runCli): DATABASE_URL for PostgreSQL. */
  env: Record<string, string | undefined>;
  /** A connection to that ledger, for checks once the command has made it. */
  open(): Db;
  close(): Promise<void>;
}

/** A ledger for the commands a CLI test runs in `home`, on the given backend. */
export async function cliLedger(backend: Backend, home: string): Promise<CliLedger> {
  if (backend === 'sqlite') {
    let db: Db | null = null;
    return {
      env: {},
      open: () =>
        (db ??= openDb({
          client: 'sqlite3',
          connection: path.join(home, 'var', 'rtm-batch.sqlite'),
        })),
      close: async () => {
        await db?.destroy();
      },
    };
  }
  const t = await freshDb('pg');
  const url = new URL(process.env.DATABASE_URL as string);
  url.searchParams.set('options', `-c search_path=${t.searchPath}`);
  return { env: { DATABASE_URL: url.toString() }, open: () => t.db, close: () => t.close() };
}
