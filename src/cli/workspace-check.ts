import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';

/** The workspace cannot hold what a run writes: the run fails before it starts (exit 3). */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
}

const WHY: Readonly<Record<string, string>> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'this user may not write there',
  EPERM: 'this user may not write there',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file stands where a folder should be',
};

/**
 * Checks, before anything opens them, that the folders a run writes its ledger and logs into
 * can be written: a read-only `var/` made SQLite fail with SQLITE_CANTOPEN after a minute of
 * retries and the log file crash the process (exit 13, no summary). Says what is wrong and what to do.
 */
export function assertWritableWorkspace(config: Config): void {
  const folders = [path.join(config.home, 'var', 'logs')];
  if (config.database.client === 'sqlite3') folders.push(path.dirname(config.database.connection));
  for (const dir of folders) {
    const probe = path.join(dir, `.rtm-write-check-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(probe, '');
      rmSync(probe, { force: true });
      if (dir === path.dirname(config.database.connection)) {
        try {
          accessSync(config.database.connection, constants.R_OK | constants.W_OK);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const why = WHY[code] ?? (err as Error).message;
      throw new WorkspaceError(
        `cannot write to ${dir} (${why}; ${code || 'error'}): rtm-batch keeps its ledger and logs there. Make it writable (or free space), or point --home / RTM_HOME at a workspace that is; nothing was done.`,
      );
    }
  }
}
