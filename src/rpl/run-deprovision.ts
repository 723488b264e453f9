import { setTimeout as delay } from 'node:timers/promises';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { partnerConfig } from '../config/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  deprovisionedCustomers,
  loadDeprovisionPlan,
  observeRplStatus,
  recordDeprovision,
  RPL_IN_PROGRESS,
  saveDeprovisionPlan,
  type DeprovisionOutcome,
  type Tx,
} from '../store/index.ts';
import {
  AuthError,
  OutcomeUnknownError,
  PermanentError,
  WebexCallError,
  type WebexCustomer,
  type WebexPort,
  type WebexTargets,
} from '../webex/index.ts';
import { rplPolicy } from './age-checks.ts';
import { readDeprovisionCandidates, type DeprovisionCandidate } from './candidates.ts';
import {
  matchPlanEntries,
  parsePlanFile,
  planDeprovisionDoc,
  type DeprovisionPlanDoc,
  type DeprovisionPlanEntry,
  type DeprovisionPlanExclusion,
} from './deprovision-plan.ts';
import { ownOrgConflict } from './own-org.ts';
import { rewriteResultsFiles } from '../results/index.ts';
import { writeDeprovisionCandidatesCsv } from './write-deprovision-candidates-csv.ts';

/** A plan file that must not be applied: nothing is done (exit 2). */
export class PlanRefusedError extends Error {
  override readonly name = 'PlanRefusedError';
}

/** Where a plan was written. */
export interface WrittenPlan {
  doc: DeprovisionPlanDoc;
  jsonPath: string;
  csvPath: string;
}

/**
 * `deprovision --plan`: today's candidates, each looked at in Webex once more (status, org, users),
 * written as JSON for `--apply` and as CSV for ops, and stored so that an apply can only act on what
 * was written. Changes nothing in Webex.
 */
export async function runDeprovisionPlan(
  ctx: RunContext,
  targets: WebexTargets,
  out: string | null,
): Promise<WrittenPlan> {
  const candidates = await readDeprovisionCandidates(
    ctx.db,
    ctx.config,
    ctx.partnerFilter,
    ctx.clock.now(),
  );
  const entries: DeprovisionPlanEntry[] = [];
  const planned: DeprovisionCandidate[] = [];
  const excluded: DeprovisionPlanExclusion[] = [];
  for (const c of candidates) {
    const exclude = (why: string) =>
      excluded.push({ partner: c.partner, externalId: c.externalId, why });
    const target = targets.portFor(c.partner);
    if (!target.port) {
      exclude(target.error);
      continue;
    }
    if (c.webexId === null) {
      exclude('the customer has no Webex id');
      continue;
    }
    let live: WebexCustomer | null;
    let webexUsers: { email: string; id: string }[];
    try {
      live = await target.port.getCustomer(c.webexId);
      webexUsers = live ? await target.port.listSubscribers({ customerId: c.webexId }) : [];
    } catch (err) {
      if (!(err instanceof WebexCallError)) throw err;
      exclude(`Webex could not be asked about it: ${err.message}`);
      continue;
    }
    if (live === null) {
      exclude('the customer is no longer in Webex');
      continue;
    }
    if (!RPL_IN_PROGRESS.has(live.status)) {
      exclude(`its review is over (status ${live.status}); the next rpl-recheck closes the check`);
      continue;
    }
    const own = ownOrgConflict(c, live.orgId ?? null, partnerConfig(ctx.config, c.partner).orgId);
    if (own) {
      exclude(`never deprovisioned: ${own}`);
      continue;
    }
    const users = mergeUsers(c.users, webexUsers);
    planned.push({ ...c, users });
    entries.push({
      partner: c.partner,
      externalId: c.externalId,
      customerName: c.customerName,
      webexId: c.webexId,
      customerId: c.customerId,
      checkId: c.checkId,
      reasons: c.reasons,
      openedAt: c.openedAt,
      ageDays: c.ageDays,
      ageMinutes: c.ageMinutes,
      attempts: c.attempts,
      unreachableAttempts: c.unreachableAttempts,
      lastStatus: live.status,
      users,
    });
  }
  const doc = planDeprovisionDoc({
    runId: ctx.runId,
    createdAt: ctx.clock.now().toISOString(),
    dryRun: ctx.dryRun,
    candidates: entries,
    excluded,
  });
  if (!ctx.dryRun)
    await saveDeprovisionPlan(ctx.db, {
      id: doc.planId,
      runId: ctx.runId,
      createdAt: doc.createdAt,
      sha256: doc.sha256,
      entries,
    });

  const reportDir = path.join(ctx.config.home, 'reports', ctx.runId);
  const jsonPath = out ?? path.join(reportDir, 'deprovision-plan.json');
  const csvPath = jsonPath.replace(/(\.json)?$/i, '.csv');
  await mkdir(path.dirname(jsonPath), { recursive: true });
  await mkdir(reportDir, { recursive: true });
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFile(jsonPath, text, { flag: 'w' });
  await writeDeprovisionCandidatesCsv(
    path.dirname(csvPath),
    planned,
    ctx.config.reportLocale,
    path.basename(csvPath),
  );
  if (out !== null) await writeFile(path.join(reportDir, 'deprovision-plan.json'), text);
  for (const x of excluded)
    ctx.tally.notes.push(`deprovision plan: ${x.partner}/${x.externalId} left out: ${x.why}`);
  ctx.tally.notes.push(
    doc.dryRun
      ? `deprovision plan (dry run, not stored, cannot be applied): ${entries.length} candidate(s) in ${jsonPath}`
      : `deprovision plan ${doc.planId}: ${entries.length} candidate(s) in ${jsonPath} and ${csvPath}; after review: rtm-batch deprovision --apply ${jsonPath}`,
  );
  return { doc, jsonPath, csvPath };
}

/** The entries of a plan file that may be applied; throws PlanRefusedError when any was added or changed. */
export async function readApplicablePlan(
  db: Tx,
  file: string,
): Promise<{ planId: string; entries: DeprovisionPlanEntry[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PlanRefusedError(`${file}: cannot read the plan (${(err as Error).message})`);
  }
  const parsed = parsePlanFile(text);
  if ('error' in parsed) throw new PlanRefusedError(`${file}: ${parsed.error}`);
  const stored = await loadDeprovisionPlan(db, parsed.planId);
  if (!stored)
    throw new PlanRefusedError(
      `${file}: plan ${parsed.planId} was not written by deprovision --plan on this ledger (a dry-run plan cannot be applied); nothing was done`,
    );
  const { accepted, refused } = matchPlanEntries(
    parsed.entries,
    stored.entries as DeprovisionPlanEntry[],
  );
  if (refused.length > 0)
    throw new PlanRefusedError(
      `${file}: the plan was changed after it was written; nothing was done:\n${refused.map((r) => `  - ${r}`).join('\n')}`,
    );
  return { planId: parsed.planId, entries: accepted };
}

/**
 * `deprovision --apply`: removes exactly the plan's customers (R-RPL-5), each re-checked first: one
 * that cleared, left the candidates or is the partner's own org (R-SELF-1) is skipped; at most
 * `rpl.deprovisionCap` are removed per run. Subscribers go first, then the customer. Every outcome
 * is recorded in the ledger. A dry run decides the same and changes nothing.
 */
export async function runDeprovisionApply(
  ctx: RunContext,
  targets: WebexTargets,
  plan: { planId: string; entries: DeprovisionPlanEntry[] },
): Promise<Record<string, number>> {
  const startedAt = ctx.clock.now().toISOString();
  const cap = rplPolicy(ctx.config.rpl).deprovisionCap;
  const done = await deprovisionedCustomers(ctx.db, plan.planId);
  const current = new Map(
    (await readDeprovisionCandidates(ctx.db, ctx.config, ctx.partnerFilter, ctx.clock.now())).map(
      (c) => [c.checkId, c],
    ),
  );
  const tallies: Record<string, number> = {};
  let removed = 0;
  for (const entry of plan.entries) {
    if (ctx.partnerFilter && entry.partner !== ctx.partnerFilter) continue;
    if (ctx.signal.aborted) break;
    const outcome = await applyEntry(ctx, targets, entry, {
      done: done.has(entry.customerId),
      current: current.get(entry.checkId) ?? null,
      capReached: removed >= cap,
      planId: plan.planId,
    });
    if (outcome === 'deleted' || outcome === 'would_delete') removed += 1;
    tallies[outcome] = (tallies[outcome] ?? 0) + 1;
  }
  // Rows of removed customers that waited for a change now say it will not come.
  if (!ctx.dryRun) await rewriteResultsFiles(ctx, startedAt);
  if ((tallies.skipped_cap ?? 0) > 0)
    ctx.tally.notes.push(
      `deprovision: the cap of ${cap} removal(s) per run was reached; ${tallies.skipped_cap} customer(s) left for another --apply of the same plan`,
    );
  return tallies;
}

type ApplyOutcome = DeprovisionOutcome | 'would_delete';

async function applyEntry(
  ctx: RunContext,
  targets: WebexTargets,
  entry: DeprovisionPlanEntry,
  state: {
    done: boolean;
    current: DeprovisionCandidate | null;
    capReached: boolean;
    planId: string;
  },
): Promise<ApplyOutcome> {
  const report = async (
    outcome: ApplyOutcome,
    message: string | null,
    extra: { subscribersDeleted?: number; trackingId?: string | null } = {},
  ): Promise<ApplyOutcome> => {
    const subscribersDeleted = extra.subscribersDeleted ?? 0;
    ctx.tally.rplDeprovisions.push({
      partner: entry.partner,
      externalId: entry.externalId,
      outcome,
      subscribersDeleted,
      message,
    });
    if (outcome === 'deleted') {
      ctx.tally.customers.deleted += 1;
      ctx.tally.subscribers.deleted += subscribersDeleted;
    }
    if (outcome === 'failed') ctx.tally.customers.failed += 1;
    const log = outcome === 'failed' ? ctx.log.error.bind(ctx.log) : ctx.log.info.bind(ctx.log);
    log(`deprovision ${entry.externalId}: ${outcome}${message ? ` (${message})` : ''}`, {
      partner: entry.partner,
    });
    if (ctx.dryRun || outcome === 'would_delete') return outcome;
    await recordDeprovision(ctx.db, {
      planId: state.planId,
      runId: ctx.runId,
      partner: entry.partner,
      customerId: entry.customerId,
      checkId: entry.checkId,
      externalId: entry.externalId,
      webexId: entry.webexId,
      outcome,
      subscribersDeleted,
      message,
      trackingId: extra.trackingId ?? null,
      at: ctx.clock.now().toISOString(),
      // Rendered in each results file's language when it is written (src/results).
      rowMessage: {
        template: 'RPL_DEPROVISIONED',
        params: { value: entry.externalId, planId: state.planId },
      },
    });
    return outcome;
  };

  if (state.done) return report('skipped_done', 'removed by an earlier apply of this plan');
  const target = targets.portFor(entry.partner);
  if (!target.port) return report('failed', target.error);
  const port = target.port;
  let live: WebexCustomer | null;
  try {
    live = await port.getCustomer(entry.webexId);
  } catch (err) {
    if (!(err instanceof WebexCallError)) throw err;
    return report('failed', `re-check failed: ${err.message}`, { trackingId: err.info.trackingId });
  }
  if (live === null) return report('skipped_gone', 'the customer is no longer in Webex');
  if (!RPL_IN_PROGRESS.has(live.status)) {
    if (!ctx.dryRun) {
      await observeRplStatus(
        ctx.db,
        entry.customerId,
        live.status,
        ctx.clock.now().toISOString(),
        ctx.runId,
      );
    }
    return report(
      'skipped_cleared',
      `its review is over since the plan was made (status ${live.status})`,
    );
  }
  if (state.current === null)
    return report(
      'skipped_not_candidate',
      'its RPL check closed or it is no longer a deprovisioning candidate',
    );
  const own = ownOrgConflict(
    state.current,
    live.orgId ?? null,
    partnerConfig(ctx.config, entry.partner).orgId,
  );
  if (own) return report('skipped_own_org', own);
  if (state.capReached)
    return report('skipped_cap', `over the cap of ${ctx.config.rpl.deprovisionCap} per run`);
  if (ctx.dryRun) return report('would_delete', null);
  return removeCustomer(ctx, port, entry, report);
}

/**
 * Subscribers first, then the customer; followed until Webex no longer shows it, or the wait ends.
 * What is reported is what Webex said: a delete whose answer was lost is looked up before it is
 * called done or failed, and a user or customer already gone (404) counts as removed.
 */
async function removeCustomer(
  ctx: RunContext,
  port: WebexPort,
  entry: DeprovisionPlanEntry,
  report: (
    outcome: ApplyOutcome,
    message: string | null,
    extra?: { subscribersDeleted?: number; trackingId?: string | null },
  ) => Promise<ApplyOutcome>,
): Promise<ApplyOutcome> {
  let subscribersDeleted = 0;
  let trackingId: string | null;
  try {
    const users = await port.listSubscribers({ customerId: entry.webexId });
    for (const user of users) {
      await goneIfMissing(() => port.deleteSubscriber(user.id));
      subscribersDeleted += 1;
    }
    try {
      trackingId =
        (await goneIfMissing(() => port.deleteCustomer(entry.webexId)))?.trackingId ?? null;
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw err;
      // The delete may have reached Webex: what it shows now decides.
      const now = await port.getCustomer(entry.webexId);
      if (now !== null && now.status !== 'deleting')
        return report(
          'failed',
          `${subscribersDeleted} user(s) removed; the customer's delete got no answer and Webex still shows it (status ${now.status}): apply the plan again`,
          { subscribersDeleted, trackingId: err.info.trackingId },
        );
      trackingId = err.info.trackingId;
    }
  } catch (err) {
    if (err instanceof AuthError || !(err instanceof WebexCallError)) {
      if (err instanceof AuthError)
        return report('failed', `Webex refused the token: ${err.message}`, {
          subscribersDeleted,
          trackingId: err.info.trackingId,
        });
      throw err;
    }
    return report(
      'failed',
      `${subscribersDeleted} user(s) removed, then: ${err.message}; the customer was not removed, or Webex did not say so: apply the plan again`,
      { subscribersDeleted, trackingId: err.info.trackingId },
    );
  }
  // Webex took the delete: a look that fails afterwards does not undo that.
  const gone = await followDeletion(ctx, port, entry.webexId).catch(() => false);
  return report(
    'deleted',
    gone ? null : 'Webex accepted the delete and is still deleting the customer',
    { subscribersDeleted, trackingId },
  );
}

/** A delete of something Webex no longer has (404) is done: an earlier attempt did it. */
async function goneIfMissing<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof PermanentError && err.info.status === 404) return null;
    throw err;
  }
}

async function followDeletion(ctx: RunContext, port: WebexPort, webexId: string): Promise<boolean> {
  const deadline = ctx.clock.nowMs() + ctx.config.webex.waitForProvisionedSeconds * 1000;
  for (;;) {
    if ((await port.getCustomer(webexId)) === null) return true;
    if (ctx.clock.nowMs() >= deadline || ctx.signal.aborted) return false;
    const pollMs = ctx.config.webex.pollSeconds * 1000;
    await delay(ctx.clock.realMs?.(pollMs) ?? pollMs, undefined, { signal: ctx.signal }).catch(
      () => undefined, // stopped: the check above ends the wait
    );
  }
}

function mergeUsers(
  ledger: readonly { email: string; webexId: string | null }[],
  webex: readonly { email: string; id: string }[],
): { email: string; webexId: string | null }[] {
  const byEmail = new Map(ledger.map((u) => [u.email.toLowerCase(), { ...u }]));
  for (const w of webex) {
    const key = w.email.toLowerCase();
    byEmail.set(key, { email: byEmail.get(key)?.email ?? w.email, webexId: w.id });
  }
  return [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}
