import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A small file system of its own that a test can fill up: a tmpfs (CI runs as root). */
export interface SmallFs {
  dir: string;
  /** Fills it until `leaveBytes` (about) are free. */
  fill(leaveBytes?: number): void;
  /** Frees what fill() took. */
  free(): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `sizeKiB` at `dir`: a real file system that really fills up, so SQLite,
 * knex and our writers meet ENOSPC / SQLITE_FULL exactly as on a full disk.
 */
export function mountSmallFs(dir: string, sizeKiB = 4096, mode?: string): SmallFs {
  mkdirSync(dir, { recursive: true });
  const options = mode ? `size=${sizeKiB}k,mode=${mode}` : `size=${sizeKiB}k`;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    throw new Error(
      `this test mounts a small tmpfs to fill a disk for real, which needs root (CI runs as root): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const filler = path.join(dir, '.filler');
  return {
    dir,
    fill(leaveBytes = 0) {
      const fd = openSync(filler, 'a');
      try {
        for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
          const chunk = Buffer.alloc(size);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
      // Give back what was asked for from the end of the filler.
      if (leaveBytes > 0) truncateSync(filler, Math.max(0, statSync(filler).size - leaveBytes));
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    },
  };
}
