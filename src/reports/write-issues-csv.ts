import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Locale } from '../config/index.ts';
import { issueColumns, issueCsvRow } from './plan-issues-csv-rows.ts';
import type { IssueRecord } from './summary.ts';
import { writeAtomically } from './write-atomically.ts';

/** CSV options of every CSV report: BOM so Excel reads UTF-8 (Japanese), formulas neutralised. */
export const REPORT_CSV_OPTIONS = {
  bom: true,
  escape_formulas: true,
  record_delimiter: 'windows',
} as const;

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
  await writeAtomically(target, (tmp) =>
    pipeline(
      Readable.from(records()),
      stringify(REPORT_CSV_OPTIONS),
      createWriteStream(tmp, { flags: 'wx' }),
    ),
  );
}
