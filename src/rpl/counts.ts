import type { RplCounts } from '../reports/summary.ts';
import {
  countClearedRplChecks,
  countOpenRplChecks,
  countRplCandidates,
  type Tx,
} from '../store/index.ts';

/** R-RPL-3: a review open longer than this is overdue, and the customer non-compliant from then on. */
export const RPL_OVERDUE_MS = 60 * 60_000;
/** R-RPL-5: non-compliant this long makes a deprovisioning candidate. */
export const RPL_CANDIDATE_MS = 30 * 24 * 60 * 60_000;
/** R-RPL-5: this many unreachable contact attempts make a deprovisioning candidate. */
export const RPL_CANDIDATE_ATTEMPTS = 3;

/** The RPL section of a summary, from the ledger's checks. */
export async function readRplCounts(
  db: Tx,
  partner: string | null,
  now: Date,
  runStartedAt: string,
): Promise<RplCounts> {
  const overdueBefore = new Date(now.getTime() - RPL_OVERDUE_MS).toISOString();
  const open = await countOpenRplChecks(db, partner, overdueBefore);
  const candidateBefore = new Date(now.getTime() - RPL_CANDIDATE_MS).toISOString();
  return {
    pending: open.pending,
    cleared: await countClearedRplChecks(db, runStartedAt),
    overdue: open.overdue,
    nonCompliant: open.overdue,
    deprovisionCandidates: await countRplCandidates(
      db,
      partner,
      candidateBefore,
      RPL_CANDIDATE_ATTEMPTS,
    ),
  };
}
