import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.ts';
import { dropFile } from './sheets.ts';

/** Every sheet under fixtures/ (not the scripts that make them), sorted. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(csv|tsv|txt|xlsx)$/i.test(e.name)) out.push(full);
    }
  };
  walk(path.join(REPO_ROOT, 'fixtures'));
  return out.sort();
}

/** The partner a fixture is dropped for: one partner folder per fixture. */
export const fixturePartner = (i: number) => `f${String(i).padStart(3, '0')}`;

/** Drops every fixture into the inbox of a partner of its own; returns the fixtures. */
export function dropEveryFixture(home: string): string[] {
  const files = fixtureFiles();
  files.forEach((file, i) =>
    dropFile(path.join(home, 'inbox', fixturePartner(i)), path.basename(file), readFileSync(file)),
  );
  return files;
}
