import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
// A leaf module with no imports of its own: the crash tests' fault injection.
import { crashPoint } from '../faults/index.ts';

/**
 * Lets `produce` write a temporary file beside `target`, then renames it into place, so a crash
 * leaves either the old file or the new one, never half of one. The temporary file is in the same
 * folder because rename fails across file systems (EXDEV).
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
