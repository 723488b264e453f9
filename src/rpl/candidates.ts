import type { Config } from '../config/index.ts';
import { loadOpenRplChecks, loadSubscribers, type Tx } from '../store/index.ts';
import {
  ageDays,
  ageMinutes,
  ageRplChecks,
  rplPolicy,
  type AgedRplCheck,
  type CandidateReason,
} from './age-checks.ts';

/** A user that goes with a deprovisioned customer. */
export interface CandidateUser {
  email: string;
  webexId: string | null;
}

/** A customer that R-RPL-5 makes a deprovisioning candidate, with what ops need to decide. */
export interface DeprovisionCandidate {
  partner: string;
  checkId: number;
  customerId: number;
  externalId: string;
  customerName: string | null;
  webexId: string | null;
  webexOrgId: string | null;
  desiredOrgId: string | null;
  trigger: string;
  openedAt: string;
  ageMinutes: number;
  ageDays: number;
  lastStatus: string | null;
  attempts: number;
  unreachableAttempts: number;
  reasons: CandidateReason[];
  users: CandidateUser[];
}

/** The candidates among aged checks, with the ledger's users of each customer. Pure. */
export function planCandidates(
  aged: readonly AgedRplCheck[],
  usersOf: (partner: string, externalId: string) => CandidateUser[],
): DeprovisionCandidate[] {
  return aged
    .filter((c) => c.reasons.length > 0)
    .map((c) => ({
      partner: c.partner,
      checkId: c.checkId,
      customerId: c.customerId,
      externalId: c.externalId,
      customerName: c.customerName,
      webexId: c.webexId,
      webexOrgId: c.webexOrgId,
      desiredOrgId: c.desiredOrgId,
      trigger: c.trigger,
      openedAt: c.openedAt,
      ageMinutes: ageMinutes(c.ageMs),
      ageDays: ageDays(c.ageMs),
      lastStatus: c.lastStatus,
      attempts: c.attempts,
      unreachableAttempts: c.unreachableAttempts,
      reasons: c.reasons,
      users: usersOf(c.partner, c.externalId),
    }));
}

/** R-RPL-5: today's deprovisioning candidates from the ledger (of one partner, or all). */
export async function readDeprovisionCandidates(
  db: Tx,
  config: Config,
  partner: string | null,
  now: Date,
): Promise<DeprovisionCandidate[]> {
  const aged = ageRplChecks(await loadOpenRplChecks(db, partner), now, rplPolicy(config.rpl));
  const users = new Map<string, CandidateUser[]>();
  for (const p of new Set(aged.filter((c) => c.reasons.length > 0).map((c) => c.partner))) {
    for (const s of await loadSubscribers(db, p)) {
      // A subscriber already deleted on purpose is not a user that goes with the customer.
      if (s.desiredAction === 'delete' && !s.webexId) continue;
      const key = `${p}\u0000${s.customerExternalId}`;
      const list = users.get(key) ?? [];
      list.push({ email: s.email, webexId: s.webexId });
      users.set(key, list);
    }
  }
  return planCandidates(aged, (p, externalId) => users.get(`${p}\u0000${externalId}`) ?? []);
}
