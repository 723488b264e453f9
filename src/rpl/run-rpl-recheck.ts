import path from 'node:path';
import type { RunContext } from '../runs/context.ts';
import {
  closeRplCheck,
  loadOpenRplChecks,
  observeRplStatus,
  setRplNextPoll,
  updateWebexState,
  type OpenRplCheck,
} from '../store/index.ts';
import { AuthError, type WebexPort, type WebexTargets } from '../webex/index.ts';
import { isRplPollDue, planNextRplPoll, rplPolicy, type RplPolicy } from './age-checks.ts';
import { readDeprovisionCandidates } from './candidates.ts';
import { writeDeprovisionCandidatesCsv } from './write-deprovision-candidates-csv.ts';

/** What one re-poll pass did. */
export interface RplRecheckResult {
  polled: number;
  changed: number;
  closed: number;
  candidates: number;
}

/**
 * R-RPL-3..5: re-polls every due open check through the partner's Webex, records each status change
 * with its time, closes a check once the customer leaves review, then writes
 * deprovision-candidates.csv into the run's report folder. Reads only: it never changes Webex and
 * never waits on provisioning (R-RPL-2). A dry run polls but records nothing.
 */
export async function runRplRecheck(
  ctx: RunContext,
  targets: WebexTargets,
): Promise<RplRecheckResult> {
  const policy = rplPolicy(ctx.config.rpl);
  const result: RplRecheckResult = { polled: 0, changed: 0, closed: 0, candidates: 0 };
  const open = await loadOpenRplChecks(ctx.db, ctx.partnerFilter);
  const byPartner = new Map<string, OpenRplCheck[]>();
  for (const check of open) {
    if (!isRplPollDue(check, ctx.clock.now())) continue;
    byPartner.set(check.partner, [...(byPartner.get(check.partner) ?? []), check]);
  }
  for (const [partner, checks] of byPartner) {
    if (ctx.signal.aborted) break;
    const target = targets.portFor(partner);
    if (!target.port) {
      ctx.tally.notes.push(`rpl-recheck: ${target.error}`);
      ctx.log.error(target.error, { partner });
      continue;
    }
    try {
      await Promise.all(checks.map((check) => pollCheck(ctx, target.port, check, policy, result)));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const note = `rpl-recheck: partner ${partner}: Webex refused its token; its checks were not polled (${err.info.description}, tracking id ${err.info.trackingId ?? 'none'})`;
      ctx.tally.notes.push(note);
      ctx.log.error(note, { partner });
    }
  }
  const candidates = await readDeprovisionCandidates(
    ctx.db,
    ctx.config,
    ctx.partnerFilter,
    ctx.clock.now(),
  );
  result.candidates = candidates.length;
  await writeDeprovisionCandidatesCsv(
    path.join(ctx.config.home, 'reports', ctx.runId),
    candidates,
    ctx.config.reportLocale,
  );
  ctx.log.info(
    `rpl-recheck: ${result.polled} check(s) polled, ${result.changed} changed, ${result.closed} closed, ${result.candidates} deprovisioning candidate(s)`,
  );
  return result;
}

async function pollCheck(
  ctx: RunContext,
  port: WebexPort,
  check: OpenRplCheck,
  policy: RplPolicy,
  result: RplRecheckResult,
): Promise<void> {
  if (ctx.signal.aborted || check.webexId === null) return;
  let customer;
  try {
    customer = await port.getCustomer(check.webexId);
  } catch (err) {
    if (err instanceof AuthError) throw err;
    // One customer's failed poll is retried on the next pass; the others go on.
    ctx.log.warn(`rpl-recheck: customer ${check.externalId}: ${(err as Error).message}`, {
      partner: check.partner,
    });
    return;
  }
  result.polled += 1;
  if (ctx.dryRun) return;
  const now = ctx.clock.now();
  const at = now.toISOString();
  if (customer === null) {
    // Deleted outside this program: the review has no customer left to follow.
    await closeRplCheck(ctx.db, check.checkId, 'deleted', at, ctx.runId);
    await updateWebexState(ctx.db, 'customer', check.customerId, {
      webexStatus: 'deleted',
      seenAt: at,
    });
    result.closed += 1;
    return;
  }
  await updateWebexState(ctx.db, 'customer', check.customerId, {
    webexStatus: customer.status,
    ...(customer.orgId ? { webexOrgId: customer.orgId } : {}),
    state: customer,
    seenAt: at,
  });
  const seen = await observeRplStatus(ctx.db, check.customerId, customer.status, at, ctx.runId);
  if (seen === 'closed') {
    result.closed += 1;
    result.changed += 1;
    return;
  }
  if (seen === 'changed') result.changed += 1;
  await setRplNextPoll(ctx.db, check.checkId, planNextRplPoll(check.openedAt, now, policy));
}
