import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The bundled demo partner sheets `npm start` drops into the inbox. */
export const DEMO_INBOX = path.join(PACKAGE_ROOT, 'fixtures/demo/inbox');

/**
 * Drops the demo sheets into `<home>/inbox/<partner>/` as a partner would, back-dated so that they
 * count as stable. Files already imported come back as FILE_DUPLICATE: nothing is created twice.
 */
export async function seedDemoInbox(home: string, stableSeconds: number): Promise<string[]> {
  const dropped: string[] = [];
  const past = new Date(Date.now() - (stableSeconds + 5) * 1000);
  for (const partner of await fs.readdir(DEMO_INBOX)) {
    const from = path.join(DEMO_INBOX, partner);
    const to = path.join(home, 'inbox', partner);
    await fs.mkdir(to, { recursive: true });
    for (const name of await fs.readdir(from)) {
      const target = path.join(to, name);
      try {
        await fs.copyFile(path.join(from, name), target, fs.constants.COPYFILE_EXCL);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      await fs.utimes(target, past, past);
      dropped.push(`${partner}/${name}`);
    }
  }
  return dropped;
}
