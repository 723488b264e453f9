import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { listPartnerIds, type Db } from '../store/index.ts';
import { DEMO_INBOX } from '../ingest/index.ts';
import { UsageError } from '../runs/index.ts';

/**
 * `--partner P` names a partner this workspace knows: one in the configuration, a folder under
 * `inbox/` (or the demo's, with `--demo`), or one the ledger has seen. Anything else is a usage
 * error (contract §4, exit 2) rather than a run that does nothing and says "ok".
 */
export async function assertKnownPartner(
  config: Config,
  db: Db,
  partner: string,
  opts: { demo?: boolean } = {},
): Promise<void> {
  const known = new Set([
    ...Object.keys(config.partners),
    ...folders(path.join(config.home, 'inbox')),
    ...(opts.demo ? folders(DEMO_INBOX) : []),
  ]);
  if (known.has(partner)) return;
  for (const id of await listPartnerIds(db)) known.add(id);
  if (known.has(partner)) return;
  const list = [...known].sort();
  throw new UsageError(
    `--partner ${JSON.stringify(partner)}: no such partner in this workspace (${
      list.length > 0 ? `known: ${list.join(', ')}` : 'none yet: no partner configured or in inbox/'
    }); nothing was done`,
  );
}

function folders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
}
