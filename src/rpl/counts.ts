import type { RplConfig } from '../config/index.ts';
import type { AttentionItem, RplCounts, RplOpenLine, RplReport } from '../reports/index.ts';
import {
  countClearedRplChecks,
  loadClosedRplChecks,
  loadOpenRplChecks,
  readPreviousRunEnd,
  type Tx,
} from '../store/index.ts';
import { ageMinutes, ageRplChecks, countRpl, rplPolicy, type AgedRplCheck } from './age-checks.ts';
import { planRplAttention } from './plan-rpl-attention.ts';

/**
 * The RPL counts of a summary, the RPL section of the reports and what needs a person (overdue
 * reviews, deprovisioning candidates), from the ledger's checks.
 */
export async function readRplReport(
  db: Tx,
  config: RplConfig,
  opts: { partner: string | null; now: Date; runId: string; runStartedAt: string },
): Promise<{
  counts: RplCounts;
  report: Omit<RplReport, 'deprovisions'>;
  attention: AttentionItem[];
}> {
  const policy = rplPolicy(config);
  const aged = ageRplChecks(await loadOpenRplChecks(db, opts.partner), opts.now, policy);
  const previousEnd = await readPreviousRunEnd(db, opts.runId);
  const closed = await loadClosedRplChecks(db, opts.partner, previousEnd ?? '');
  return {
    attention: planRplAttention(aged, policy, previousEnd),
    counts: countRpl(aged, await countClearedRplChecks(db, opts.runStartedAt, opts.partner)),
    report: {
      open: aged.map(toOpenLine),
      closedSinceLastRun: closed.map((c) => ({
        partner: c.partner,
        externalId: c.externalId,
        trigger: c.trigger,
        openedAt: c.openedAt,
        closedAt: c.closedAt,
        reason: c.closeReason,
      })),
    },
  };
}

/** An aged check as a report line. */
export function toOpenLine(c: AgedRplCheck): RplOpenLine {
  return {
    partner: c.partner,
    externalId: c.externalId,
    customerName: c.customerName,
    trigger: c.trigger,
    openedAt: c.openedAt,
    ageMinutes: ageMinutes(c.ageMs),
    lastStatus: c.lastStatus,
    attempts: c.attempts,
    unreachableAttempts: c.unreachableAttempts,
    overdue: c.overdue,
    reasons: c.reasons,
  };
}
