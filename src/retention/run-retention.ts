import os from 'node:os';
import { LockHeldError, PIPELINE_LOCK, holderProcess, type App } from '../runs/index.ts';
import type { RunContext } from '../runs/index.ts';
import { acquireLease, releaseLease } from '../store/index.ts';
import { applyRetention } from './apply-retention.ts';
import { describePrune, type PruneCounts } from './plan-retention.ts';

/**
 * The end of `nightly`: prunes what retention allows and notes what went in the run's summary. A
 * run for one partner prunes nothing (retention is the workspace's). A prune that fails is noted
 * and never fails the run: what it did not remove is tried again by the next run.
 */
export async function runRetention(ctx: RunContext): Promise<void> {
  if (ctx.partnerFilter !== null) return;
  try {
    const counts = await applyRetention({
      home: ctx.config.home,
      db: ctx.db,
      days: ctx.config.retention.days,
      now: ctx.clock.now(),
      dryRun: ctx.dryRun,
      runId: ctx.runId,
    });
    const note = describePrune(counts, ctx.dryRun);
    if (note) {
      ctx.log.info(note, { event: 'retention', ...counts });
      ctx.tally.notes.push(note);
    }
  } catch (err) {
    const message = `retention stopped part-way: ${(err as Error).message}; nothing that is still needed was removed, and the next run prunes the rest.`;
    ctx.log.warn(message);
    ctx.tally.notes.push(message);
  }
}

/**
 * `rtm-batch prune`: the same prune on its own, under the run lock (it never runs beside a run);
 * throws LockHeldError when another run holds it.
 */
export async function runPrune(app: App, opts: { dryRun: boolean }): Promise<PruneCounts> {
  const owner = `prune-${process.pid}-${Date.now()}`;
  const got = await acquireLease(app.db, {
    name: PIPELINE_LOCK,
    owner,
    host: os.hostname(),
    pid: process.pid,
    now: new Date(),
    ttlMs: app.config.lock.leaseSeconds * 1000,
    holderProcess,
  });
  if (!got.acquired) throw new LockHeldError(got.holder);
  try {
    return await applyRetention({
      home: app.config.home,
      db: app.db,
      days: app.config.retention.days,
      now: app.clock.now(),
      dryRun: opts.dryRun,
    });
  } finally {
    await releaseLease(app.db, PIPELINE_LOCK, owner);
  }
}
