import path from 'node:path';
import v8 from 'node:v8';
import { createClock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import { closeLogger, createLogger } from '../log/index.ts';
import type { App } from '../runs/index.ts';
import { migrateDb, openDb } from '../store/index.ts';
import { assertWritableWorkspace } from './workspace-check.ts';
import { createCliProgress } from './progress.ts';

/**
 * V8 lets its heap grow to several times what is live before it collects. An import allocates
 * fast and keeps each batch across an await, so most of its peak was garbage: a 1,000,000-row
 * import peaked at 870 MB with about 150 MB live. Letting the heap grow to twice what is live
 * brought that to about 500 MB at the same speed (docs/architecture.md, "Memory").
 */
const HEAP_GROWING_PERCENT = 100;

/** Opens what every command shares: the logger, the clock and the migrated database. */
export async function openApp(config: Config, opts: { quiet: boolean }): Promise<App> {
  assertWritableWorkspace(config);
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // Bars on a terminal (not with --json, whose readers are programs); lines every N s otherwise.
  const progress = createCliProgress({
    terminal: Boolean(process.stderr.isTTY) && !opts.quiet,
    everySeconds: config.logging.progressSeconds,
    stream: process.stderr,
  });
  const logger = createLogger({
    write: (line) => progress.writeLog(line),
    dir: path.join(config.home, 'var', 'logs'),
    level: config.logging.level,
    secrets: config.secrets,
    maxFileMB: config.logging.maxFileMB,
    maxFiles: config.logging.maxFiles,
    quiet: opts.quiet,
  });
  const db = openDb(config.database);
  try {
    await migrateDb(db);
  } catch (err) {
    await db.destroy();
    await closeLogger(logger);
    progress.close();
    throw err;
  }
  return { config, db, clock: createClock(config.nowAtStart), logger, progress };
}

/** Closes the database and flushes the log. */
export async function closeApp(app: App): Promise<void> {
  app.progress?.close();
  await app.db.destroy();
  await closeLogger(app.logger);
}
