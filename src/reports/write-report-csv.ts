import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCsvStringifier } from '../csv/index.ts';
import { writeAtomically } from './write-atomically.ts';

/**
 * Writes a CSV report (issues.csv, reconciliation.csv, deprovision-candidates.csv), streamed and
 * renamed into place when whole: UTF-8 with a BOM so Excel reads Japanese, through the one CSV
 * stringifier, so no partner or Webex text splits a record or runs as a formula.
 */
export async function writeReportCsv(
  target: string,
  records: Iterable<string[]> | AsyncIterable<string[]>,
): Promise<void> {
  await writeAtomically(target, (tmp) =>
    pipeline(
      Readable.from(records),
      createCsvStringifier({ delimiter: ',', bom: true }),
      createWriteStream(tmp, { flags: 'wx' }),
    ),
  );
}
