export { openDb, migrateDb, knexSettings, SQLITE_BUSY_TIMEOUT_MS } from './db.ts';
export type { Db, Tx, DbOptions } from './db.ts';
export { acquireLease, renewLease, releaseLease, readLease } from './leases.ts';
export type { LeaseClaim, LeaseHolder, LeaseResult } from './leases.ts';
export {
  insertRun,
  finishRun,
  listRuns,
  readRun,
  listUnfinishedRuns,
  markRunAbandoned,
  readRunFiles,
  readRunIssues,
  resultsBehindSince,
  countRunChangesByPartner,
  readRunProcessedFiles,
} from './runs.ts';
export type { RunRecord, RunPartnerChangeCount } from './runs.ts';
export {
  countLedgerState,
  listPartnerIds,
  listSchemaVersions,
  pingDb,
  readSchemaVersion,
} from './status.ts';
export { backupSqliteInto } from './backup.ts';
export { readQuotaUse, type QuotaUseRow } from './quota-use.ts';
export {
  ensurePartner,
  findProcessedFile,
  listUnarchivedFiles,
  recordFile,
  setStoredPath,
  stageFile,
  STAGE_BATCH,
  beginFile,
  stageRows,
  finishFile,
  releaseStatements,
} from './staging.ts';
export type { FileRecord, ProcessedFile, StagedIssue, StagedRow } from './staging.ts';
export {
  countEntities,
  readCustomerWebexState,
  readSubscriberWebexId,
  loadCustomers,
  loadCustomersPage,
  loadSubscribers,
  loadSubscribersPage,
  updateWebexState,
  setRowResult,
  fillRowResults,
  completedChangeOf,
  readRowSource,
  openRplCheck,
  observeRplStatus,
  countOpenRplChecks,
  countClearedRplChecks,
  countRplCandidates,
  RPL_IN_PROGRESS,
} from './ledger.ts';
export {
  loadOpenRplChecks,
  loadClosedRplChecks,
  readPreviousRunEnd,
  setRplNextPoll,
  closeRplCheck,
  findCustomerRplCheck,
  recordRplContactAttempt,
  saveDeprovisionPlan,
  loadDeprovisionPlan,
  deprovisionedCustomers,
  recordDeprovision,
  readDeprovisions,
} from './rpl.ts';
export type {
  OpenRplCheck,
  ClosedRplCheck,
  StoredDeprovisionPlan,
  DeprovisionOutcome,
  DeprovisionRecord,
} from './rpl.ts';
export type { CustomerRow, ResultMessage, SubscriberRow, WebexStatePatch } from './ledger.ts';
export { readSubscriberPages, RECONCILE_PAGE_ROWS } from './reconcile-queries.ts';
export {
  enqueueChanges,
  deferAwaiting,
  openChangeEntities,
  entitiesCompletedInRun,
  refusedChangeKeys,
  changesByKey,
  claimChanges,
  releaseClaim,
  countInFlight,
  nextAttemptAt,
  retryGenerations,
  completedOutcomes,
  failedChanges,
  listAwaiting,
  recordChange,
  finishAwaiting,
  countChangesByStatus,
  OPEN_STATUSES,
} from './outbox.ts';
export type {
  Change,
  ChangeAction,
  ChangeEntity,
  ChangeOutcome,
  ChangePatch,
  ChangeStatus,
  ClaimRequest,
  NewChange,
} from './outbox.ts';
export {
  filesWithResultsSince,
  readLaterNamesakes,
  readCustomersStagedByRun,
  readResultsSource,
  streamRowResults,
} from './results.ts';
export type {
  NamedFile,
  ResultsSource,
  ResultIssue,
  RowResult,
  StagedCustomer,
} from './results.ts';
export {
  claimFire,
  resumeFire,
  finishFire,
  readLatestFire,
  listFires,
  readLatestRunOf,
  markFireInterrupted,
} from './schedule-fires.ts';
export type { FireClaim, FireReason, FireRecord, FireStatus } from './schedule-fires.ts';
export { readJobRunFacts } from './run-metrics.ts';
export type { JobRunFacts } from './run-metrics.ts';
export { rateBudgetStore, listRateBudgets } from './rate-budgets.ts';
export type { RateBudgetRow, RateBudgetChange, RateBudgetStore } from './rate-budgets.ts';
export {
  listRetiredFiles,
  markArchivePruned,
  deleteFileRows,
  pruneRuns,
  pruneScheduleFires,
} from './retention.ts';
export type { RetiredFile } from './retention.ts';
export {
  BILLING_LEDGER_PAGE_ROWS,
  readBillingLedgerPages,
  readBillingReportEntry,
  writeBillingReportEntry,
} from './billing.ts';
export type {
  BillingLedgerPage,
  BillingLedgerTuple,
  BillingLedgerUser,
  BillingReportEntry,
  BillingReportKey,
  BillingUserLine,
} from './billing.ts';
