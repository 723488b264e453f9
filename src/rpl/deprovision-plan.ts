import { createHash } from 'node:crypto';
import type { CandidateReason } from './age-checks.ts';
import type { CandidateUser } from './candidates.ts';

/** Marks a file as a plan this program wrote. */
export const DEPROVISION_PLAN_KIND = 'rtm-batch.deprovision-plan';

/** One customer a plan would remove, with its users. */
export interface DeprovisionPlanEntry {
  partner: string;
  externalId: string;
  customerName: string | null;
  webexId: string;
  customerId: number;
  checkId: number;
  reasons: CandidateReason[];
  openedAt: string;
  ageDays: number;
  ageMinutes: number;
  attempts: number;
  unreachableAttempts: number;
  lastStatus: string | null;
  users: CandidateUser[];
}

/** A candidate left out of the plan, and why. */
export interface DeprovisionPlanExclusion {
  partner: string;
  externalId: string;
  why: string;
}

/** The plan file: reviewed by ops, then given to `deprovision --apply`. */
export interface DeprovisionPlanDoc {
  kind: typeof DEPROVISION_PLAN_KIND;
  version: 1;
  planId: string;
  runId: string;
  createdAt: string;
  /** A dry-run plan is not stored and cannot be applied. */
  dryRun: boolean;
  /** sha256 of the candidates as written; the stored copy is what an apply trusts. */
  sha256: string;
  candidates: DeprovisionPlanEntry[];
  excluded: DeprovisionPlanExclusion[];
}

/** sha256 of plan entries in a stable form. Pure. */
export function hashPlanEntries(entries: readonly DeprovisionPlanEntry[]): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** Builds the plan document. Pure. */
export function planDeprovisionDoc(input: {
  runId: string;
  createdAt: string;
  dryRun: boolean;
  candidates: DeprovisionPlanEntry[];
  excluded: DeprovisionPlanExclusion[];
}): DeprovisionPlanDoc {
  const sha256 = hashPlanEntries(input.candidates);
  return {
    kind: DEPROVISION_PLAN_KIND,
    version: 1,
    // The run id names the plan: unique, sortable, and traceable to the run's report.
    planId: input.runId,
    runId: input.runId,
    createdAt: input.createdAt,
    dryRun: input.dryRun,
    sha256,
    candidates: input.candidates,
    excluded: input.excluded,
  };
}

/** A plan file as read: its id, and its entries as given (not trusted). */
export interface ParsedPlanFile {
  planId: string;
  entries: unknown[];
}

/** Reads a plan file's text; returns an error message instead of throwing. Pure. */
export function parsePlanFile(text: string): ParsedPlanFile | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  const d = doc as Partial<Record<string, unknown>> | null;
  if (d === null || typeof d !== 'object' || d.kind !== DEPROVISION_PLAN_KIND)
    return { error: `not a deprovisioning plan (expected "kind": "${DEPROVISION_PLAN_KIND}")` };
  if (typeof d.planId !== 'string' || d.planId === '') return { error: 'the plan has no planId' };
  if (!Array.isArray(d.candidates)) return { error: 'the plan has no candidates list' };
  return { planId: d.planId, entries: d.candidates as unknown[] };
}

/**
 * Matches a plan file's entries against the plan as stored when it was written: an entry is taken
 * only when partner, external id, customer, check and Webex id all equal a stored entry, and then
 * the stored entry is used. Entries may be removed from a file (ops struck them out), never added
 * or changed. Pure.
 */
export function matchPlanEntries(
  given: readonly unknown[],
  stored: readonly DeprovisionPlanEntry[],
): { accepted: DeprovisionPlanEntry[]; refused: string[] } {
  const accepted: DeprovisionPlanEntry[] = [];
  const refused: string[] = [];
  const seen = new Set<number>();
  for (const [i, raw] of given.entries()) {
    const e = (raw ?? {}) as Partial<Record<keyof DeprovisionPlanEntry, unknown>>;
    const match = stored.find(
      (s) =>
        s.partner === e.partner &&
        s.externalId === e.externalId &&
        s.customerId === e.customerId &&
        s.checkId === e.checkId &&
        s.webexId === e.webexId,
    );
    const label = `candidate ${i + 1} (${JSON.stringify(e.partner)}/${JSON.stringify(e.externalId)})`;
    if (!match) refused.push(`${label} is not in the plan as it was written`);
    else if (seen.has(match.customerId)) refused.push(`${label} is listed twice`);
    else {
      seen.add(match.customerId);
      accepted.push(match);
    }
  }
  return { accepted, refused };
}
