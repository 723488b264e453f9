export { readRplReport, toOpenLine } from './counts.ts';
export { planRplAttention } from './plan-rpl-attention.ts';
export {
  ageRplCheck,
  ageRplChecks,
  countRpl,
  isRplPollDue,
  planNextRplPoll,
  rplPolicy,
} from './age-checks.ts';
export type { AgedRplCheck, CandidateReason, RplPolicy } from './age-checks.ts';
export { planCandidates, readDeprovisionCandidates } from './candidates.ts';
export type { CandidateUser, DeprovisionCandidate } from './candidates.ts';
export { ownOrgConflict } from './own-org.ts';
export { runRplRecheck } from './run-rpl-recheck.ts';
export type { RplRecheckResult } from './run-rpl-recheck.ts';
export {
  DEPROVISION_PLAN_KIND,
  hashPlanEntries,
  matchPlanEntries,
  parsePlanFile,
  planDeprovisionDoc,
} from './deprovision-plan.ts';
export type { DeprovisionPlanDoc, DeprovisionPlanEntry } from './deprovision-plan.ts';
export {
  PlanRefusedError,
  readApplicablePlan,
  runDeprovisionApply,
  runDeprovisionPlan,
} from './run-deprovision.ts';
export type { WrittenPlan } from './run-deprovision.ts';
export { recordRplContact, RplContactError } from './record-rpl-contact.ts';
export {
  DEPROVISION_CANDIDATES_CSV,
  planDeprovisionCandidatesCsv,
  writeDeprovisionCandidatesCsv,
} from './write-deprovision-candidates-csv.ts';
