// The knex CLI's view of the ledger: `npm run knex -- migrate:latest` (or migrate:status, migrate:rollback).
// It reads the same configuration as rtm-batch (RTM_HOME, rtm-batch.config.json, DATABASE_URL).
import type { Knex } from 'knex';
import { loadConfig } from './src/config/index.ts';
import { knexSettings } from './src/store/index.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const loaded = loadConfig({ env: process.env, cwd: process.cwd() });
if (loaded.errors) {
  throw new Error(`rtm-batch configuration:\n${loaded.errors.join('\n')}`);
}
const { database } = loaded.config;
if (database.client === 'sqlite3')
  mkdirSync(path.dirname(database.connection), { recursive: true });

const config: Knex.Config = knexSettings(database);
export default config;
