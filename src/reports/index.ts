export * from './summary.ts';
export type {
  FieldDiff,
  PartnerChangeCount,
  QuotaUseLine,
  PlanLine,
  ReconcileCategory,
  ReconcileLine,
  ReconcileReason,
  ReportInput,
  ResultsFileLink,
  RunListEntry,
  RplClosedLine,
  RplDeprovisionLine,
  RplOpenLine,
  RplReport,
} from './report-input.ts';
export { labelsFor, formatCount, describeReconcileLine } from './labels.ts';
export type { ReportLabels } from './labels.ts';
export { rplLabelsFor, type RplLabels } from './rpl-labels.ts';
export {
  renderReportHtml,
  renderReportSummaryHtml,
  REPORT_SECTIONS,
  type ReportSection,
  HTML_ROW_LIMIT,
  REPORT_FILES,
  RECONCILE_FILES,
} from './render-report-html.ts';
export { renderReportsIndexHtml, sortRunsNewestFirst } from './render-reports-index.ts';
export { planIssuesCsvRows, issueColumns, issueCsvRow } from './plan-issues-csv-rows.ts';
export { validateSummary, SUMMARY_SCHEMA_PATH } from './validate-summary.ts';
export { escapeHtml, REPORT_CSP, reportCsp, TABLE_SCRIPT } from './html-page.ts';
export { reportContext, formatDate, type ReportContext } from './report-context.ts';
export { planPartnerViews, resultsFileHref, type PartnerView } from './render-partner-sections.ts';
export { writeIssuesCsv } from './write-issues-csv.ts';
export { openPlanCsv, PLAN_FILE, type PlanCsv } from './open-plan-csv.ts';
export { writeReportCsv, writeReportCsvBatches } from './write-report-csv.ts';
export {
  reconciliationColumns,
  reconciliationCsvRow,
  writeReconciliationCsv,
} from './write-reconciliation-csv.ts';
export { writeReportXlsx, XLSX_SHEETS, cellText } from './write-report-xlsx.ts';
export { syncFile, writeAtomically, writeFileAtomically } from './write-atomically.ts';
export { writeRunReports, writeReportsIndex } from './write-run-reports.ts';
export {
  renderDialInSection,
  dialInColumns,
  dialInCells,
  DIAL_IN_SHEET,
  DIAL_IN_HTML_LIMIT,
  planDialInLines,
  type DialInLine,
  type StagedCustomerLike,
} from './render-dial-in-section.ts';
export {
  renderBillingSection,
  billingSheet,
  BILLING_SHEET,
  CUSTOMER_COUNT_PREFIX,
} from './render-billing-section.ts';
export { billingCsvColumns, billingLabelsFor, type BillingLabels } from './billing-labels.ts';
export type { BillingSection, BillingSectionLine } from './render-billing-section.ts';
