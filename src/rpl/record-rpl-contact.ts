import type { Config } from '../config/index.ts';
import {
  findCustomerRplCheck,
  loadOpenRplChecks,
  recordRplContactAttempt,
  type Tx,
} from '../store/index.ts';
import { ageRplCheck, rplPolicy, type AgedRplCheck } from './age-checks.ts';

/** The contact cannot be recorded as asked (unknown customer, no open check): exit 2. */
export class RplContactError extends Error {
  override readonly name = 'RplContactError';
}

/**
 * R-RPL-4: records one attempt to reach the partner about a customer's open RPL check and returns
 * the check aged after it (a third `unreachable` makes a deprovisioning candidate, R-RPL-5).
 */
export async function recordRplContact(
  db: Tx,
  config: Config,
  attempt: {
    partner: string;
    externalId: string;
    outcome: 'reached' | 'unreachable';
    note: string | null;
    now: Date;
    dryRun: boolean;
  },
): Promise<AgedRplCheck> {
  const found = await findCustomerRplCheck(db, attempt.partner, attempt.externalId);
  if (!found)
    throw new RplContactError(
      `partner ${attempt.partner} has no customer with external id ${JSON.stringify(attempt.externalId)} in the ledger; nothing was recorded`,
    );
  if (found.openCheckId === null)
    throw new RplContactError(
      `customer ${JSON.stringify(attempt.externalId)} of partner ${attempt.partner} has no open RPL check (its review is over or never started); nothing was recorded`,
    );
  if (!attempt.dryRun)
    await recordRplContactAttempt(db, {
      checkId: found.openCheckId,
      outcome: attempt.outcome,
      note: attempt.note,
      at: attempt.now.toISOString(),
      runId: null,
    });
  const check = (await loadOpenRplChecks(db, attempt.partner)).find(
    (c) => c.checkId === found.openCheckId,
  );
  if (!check) throw new RplContactError('the RPL check closed while the attempt was recorded');
  return ageRplCheck(check, attempt.now, rplPolicy(config.rpl));
}
