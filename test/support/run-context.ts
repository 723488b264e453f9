import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClock, type Clock } from '../../src/clock/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { newTally, type RunContext } from '../../src/runs/index.ts';
import type { Db } from '../../src/store/index.ts';

/** A configuration for a temporary workspace, from a config-file object. */
export function testConfig(file: unknown = {}): Config {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-ctx-'));
  writeFileSync(path.join(home, 'rtm-batch.config.json'), JSON.stringify(file));
  const loaded = loadConfig({ home, env: {}, cwd: home });
  if (!loaded.config) throw new Error(loaded.errors.join('\n'));
  return loaded.config;
}

/** A run context over a test database, without the run lock or reports (the use-case alone). */
export async function testRunContext(
  db: Db,
  config: Config,
  opts: { runId?: string; clock?: Clock; dryRun?: boolean } = {},
): Promise<RunContext> {
  // Unique across a property test's hundreds of runs in one database (6 random hex digits met a
  // twin: 'duplicate key … runs_pkey', outbox property test on PostgreSQL, 6 Dec).
  const runId = opts.runId ?? `test-run-${randomUUID()}`;
  await db('runs').insert({
    id: runId,
    job: 'provision',
    status: 'running',
    dry_run: false,
    started_at: new Date().toISOString(),
    host: 'test',
    pid: process.pid,
  });
  return {
    runId,
    job: 'provision',
    config,
    db,
    clock: opts.clock ?? createClock(null),
    log: createLogger({ secrets: [], console: false }),
    dryRun: opts.dryRun ?? false,
    partnerFilter: null,
    signal: new AbortController().signal,
    tally: newTally(),
  };
}
