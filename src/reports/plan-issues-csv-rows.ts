import type { Locale } from '../config/index.ts';
import { labelsFor } from './labels.ts';
import type { IssueRecord } from './summary.ts';

/** The localized header of issues.csv and of the workbook's Issues sheet (contract §6 column order). */
export function issueColumns(locale: Locale): string[] {
  const l = labelsFor(locale);
  return [l.partner, l.fileName, l.sheet, l.row, l.column, l.value, l.code, l.message];
}

/** One issue as a CSV record; absent values are empty cells. */
export function issueCsvRow(issue: IssueRecord): string[] {
  return [
    issue.partner,
    issue.file ?? '',
    issue.sheet ?? '',
    issue.row === null ? '' : String(issue.row),
    issue.column ?? '',
    issue.value ?? '',
    issue.code,
    issue.message,
  ];
}

/** The records of issues.csv, header first; formula neutralising is left to the CSV writer. */
export function planIssuesCsvRows(issues: readonly IssueRecord[], locale: Locale): string[][] {
  return [issueColumns(locale), ...issues.map(issueCsvRow)];
}
