import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
// A leaf module with no imports of its own: the crash tests' fault injection.
import { crashPoint } from '../faults/index.ts';

/**
 * Makes a written file durable (fsync) before it is renamed into place: without it, a machine
 * going down just after the rename can leave the new name on an empty file on some file systems.
 */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Lets `produce` write a temporary file beside `target`, makes it durable, then renames it into
 * place, so a crash leaves either the old file or the new one, never half of one. The temporary
 * file is in the same folder because rename fails across file systems (EXDEV).
 */
export async function writeAtomically(
  target: string,
  produce: (tmpPath: string) => Promise<void>,
): Promise<void> {
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await produce(tmp);
    await syncFile(tmp);
    crashPoint('report-written');
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes a whole file atomically. */
export function writeFileAtomically(target: string, data: string | Uint8Array): Promise<void> {
  return writeAtomically(target, (tmp) => writeFile(tmp, data, { flag: 'wx' }));
}
