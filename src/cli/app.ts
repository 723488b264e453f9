import path from 'node:path';
import { createClock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import { closeLogger, createLogger } from '../log/index.ts';
import type { App } from '../runs/index.ts';
import { migrateDb, openDb } from '../store/index.ts';

/** Opens what every command shares: the logger, the clock and the migrated database. */
export async function openApp(config: Config, opts: { quiet: boolean }): Promise<App> {
  const logger = createLogger({
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
    throw err;
  }
  return { config, db, clock: createClock(config.nowAtStart), logger };
}

/** Closes the database and flushes the log. */
export async function closeApp(app: App): Promise<void> {
  await app.db.destroy();
  await closeLogger(app.logger);
}
