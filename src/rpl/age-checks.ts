import type { RplConfig } from '../config/index.ts';
import type { RplCounts } from '../reports/index.ts';
import type { OpenRplCheck } from '../store/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The RPL thresholds in milliseconds, from config `rpl` (defaults: domain §6). */
export interface RplPolicy {
  recheckMs: number;
  slowRecheckMs: number;
  slowAfterMs: number;
  /** R-RPL-3: open longer than this is overdue; non-compliant from then on. */
  overdueMs: number;
  /** R-RPL-5: open this long makes a candidate. */
  candidateMs: number;
  /** R-RPL-5: this many unreachable attempts make a candidate. */
  candidateAttempts: number;
  deprovisionCap: number;
}

/** The policy of a configuration. */
export function rplPolicy(config: RplConfig): RplPolicy {
  return {
    recheckMs: config.recheckMinutes * MINUTE,
    slowRecheckMs: config.slowRecheckMinutes * MINUTE,
    slowAfterMs: config.slowAfterHours * HOUR,
    overdueMs: config.overdueMinutes * MINUTE,
    candidateMs: config.nonCompliantDays * DAY,
    candidateAttempts: config.unreachableAttempts,
    deprovisionCap: config.deprovisionCap,
  };
}

/** Why a customer is a deprovisioning candidate (R-RPL-5). */
export type CandidateReason = 'non_compliant_days' | 'unreachable_attempts';

/** An open check aged at a moment. */
export interface AgedRplCheck extends OpenRplCheck {
  ageMs: number;
  /** R-RPL-3: open longer than the usual review; the customer is non-compliant from then on. */
  overdue: boolean;
  /** Empty unless the customer is a deprovisioning candidate. */
  reasons: CandidateReason[];
}

/** Ages one open check: overdue after `overdueMs` (strictly longer), a candidate at `candidateMs` or enough unreachable attempts. Pure. */
export function ageRplCheck(check: OpenRplCheck, now: Date, policy: RplPolicy): AgedRplCheck {
  // A check opened "after" now (a clock moved back) has age 0 rather than a negative one.
  const ageMs = Math.max(0, now.getTime() - Date.parse(check.openedAt));
  const overdue = ageMs > policy.overdueMs;
  const reasons: CandidateReason[] = [];
  // Age counts from the check's opening (R-RPL-3): 30 days open is 30 days non-compliant.
  if (overdue && ageMs >= policy.candidateMs) reasons.push('non_compliant_days');
  if (check.unreachableAttempts >= policy.candidateAttempts) reasons.push('unreachable_attempts');
  return { ...check, ageMs, overdue, reasons };
}

/** Ages every open check. Pure. */
export function ageRplChecks(
  checks: readonly OpenRplCheck[],
  now: Date,
  policy: RplPolicy,
): AgedRplCheck[] {
  return checks.map((c) => ageRplCheck(c, now, policy));
}

/** The summary's RPL counts from the aged open checks and the number cleared in the run. Pure. */
export function countRpl(aged: readonly AgedRplCheck[], cleared: number): RplCounts {
  const overdue = aged.filter((c) => c.overdue).length;
  return {
    pending: aged.length,
    cleared,
    overdue,
    nonCompliant: overdue,
    deprovisionCandidates: aged.filter((c) => c.reasons.length > 0).length,
  };
}

/** Whether an open check is due for a re-poll now. Pure. */
export function isRplPollDue(check: OpenRplCheck, now: Date): boolean {
  return check.nextPollAt === null || Date.parse(check.nextPollAt) <= now.getTime();
}

/** When to poll an open check next: every `recheckMs`, slower once it is older than `slowAfterMs`. Pure. */
export function planNextRplPoll(openedAt: string, now: Date, policy: RplPolicy): string {
  const ageMs = now.getTime() - Date.parse(openedAt);
  const every = ageMs > policy.slowAfterMs ? policy.slowRecheckMs : policy.recheckMs;
  return new Date(now.getTime() + every).toISOString();
}

/** Age in whole days, for people. */
export function ageDays(ageMs: number): number {
  return Math.floor(ageMs / DAY);
}

/** Age in whole minutes, for people. */
export function ageMinutes(ageMs: number): number {
  return Math.floor(ageMs / MINUTE);
}
