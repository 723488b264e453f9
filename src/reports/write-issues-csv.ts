import type { Locale } from '../config/index.ts';
import { issueColumns, issueCsvRow } from './plan-issues-csv-rows.ts';
import type { IssueRecord } from './summary.ts';
import { writeReportCsv } from './write-report-csv.ts';

/** Writes issues.csv, streamed: a run may have a million rejected rows. */
export async function writeIssuesCsv(
  target: string,
  issues: readonly IssueRecord[],
  locale: Locale,
): Promise<void> {
  function* records(): Generator<string[]> {
    yield issueColumns(locale);
    for (const issue of issues) yield issueCsvRow(issue);
  }
  await writeReportCsv(target, records());
}
