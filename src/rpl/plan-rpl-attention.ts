import type { AttentionItem } from '../reports/summary.ts';
import { ageDays, type AgedRplCheck, type RplPolicy } from './age-checks.ts';

/**
 * What the RPL follow-up asks of a person (R-RPL-3..5), one item per kind and partner: reviews
 * open past the usual time (`rpl_overdue`), customers that became deprovisioning candidates since
 * `since`, the end of the previous run (`deprovision_candidates_new`), and every standing candidate
 * (`deprovision_candidates`, raised each run until the customer is cleared or deprovisioned).
 * Pure.
 */
export function planRplAttention(
  aged: readonly AgedRplCheck[],
  policy: RplPolicy,
  since: string | null,
): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const partner of [...new Set(aged.map((c) => c.partner))].sort()) {
    const mine = aged.filter((c) => c.partner === partner);
    const overdue = mine.filter((c) => c.overdue);
    if (overdue.length > 0) {
      const oldest = Math.max(...overdue.map((c) => c.ageMs));
      items.push({
        kind: 'rpl_overdue',
        partner,
        count: overdue.length,
        message: `${overdue.length} customer RPL review(s) open longer than ${policy.overdueMs / 60_000} minutes (oldest ${ageDays(oldest)} day(s)): contact the partner and record it with rtm-batch rpl contact (R-RPL-4).`,
      });
    }
    const candidates = mine.filter((c) => c.reasons.length > 0);
    const fresh = candidates.filter((c) => becameCandidateAfter(c, policy, since));
    if (fresh.length > 0)
      items.push({
        kind: 'deprovision_candidates_new',
        partner,
        count: fresh.length,
        message: `${fresh.length} customer(s) became deprovisioning candidates since the last run (${fresh.map((c) => c.externalId).join(', ')}).`,
      });
    if (candidates.length > 0)
      items.push({
        kind: 'deprovision_candidates',
        partner,
        count: candidates.length,
        message: `${candidates.length} customer(s) are deprovisioning candidates (R-RPL-5): review them with rtm-batch deprovision --plan, then apply the reviewed plan.`,
      });
  }
  return items;
}

/** Whether a candidate met R-RPL-5 only after `since` (null: no run before, so it is new). */
function becameCandidateAfter(c: AgedRplCheck, policy: RplPolicy, since: string | null): boolean {
  if (since === null) return true;
  const after = Date.parse(since);
  // Each reason has its moment: the day the age reached the limit, the last unreachable attempt.
  const moments = c.reasons.map((r) =>
    r === 'non_compliant_days'
      ? Date.parse(c.openedAt) + Math.max(policy.candidateMs, policy.overdueMs)
      : Date.parse(c.lastAttemptAt ?? c.openedAt),
  );
  return Math.min(...moments) > after;
}
