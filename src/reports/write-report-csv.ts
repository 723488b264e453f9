import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
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

/**
 * A field the stringifier writes as it is: nothing to quote (quote, comma, CR, LF) and no start a
 * spreadsheet would run (= + - @, tab, CR, full-width ＝＋－＠). Any other goes through it.
 */
const PLAIN_FIELD = /^(?![-=+@\t\r\uFF1D\uFF0B\uFF0D\uFF20])[^",\r\n]*$/;

function isPlain(record: readonly string[]): boolean {
  for (const field of record) if (!PLAIN_FIELD.test(field)) return false;
  return true;
}

function plainRecord(record: readonly string[]): string {
  let text = record[0] ?? '';
  for (let i = 1; i < record.length; i++) text += ',' + (record[i] as string);
  return text + '\r\n';
}

/**
 * writeReportCsv for a million records: the same file, written a batch of records at a time. A
 * record whose fields are all plain text is joined here, which is exactly what the stringifier
 * writes for it; any other record is stringified by the one CSV stringifier (quoted, formulas
 * neutralised). Per-record streaming through the stringifier cost ~1 s per 100,000 lines of
 * billing.csv (docs/architecture.md, billing at scale).
 */
export async function writeReportCsvBatches(
  target: string,
  batches: Iterable<readonly (readonly string[])[]> | AsyncIterable<readonly (readonly string[])[]>,
): Promise<void> {
  const stringifier = createCsvStringifier({ delimiter: ',', bom: false });
  const stringify = (record: readonly string[]): string => {
    // Its transform is synchronous: the record's text is readable as soon as it is written.
    stringifier.write(record);
    return String(stringifier.read());
  };
  await writeAtomically(target, async (tmp) => {
    const out = createWriteStream(tmp, { flags: 'wx' });
    const state: { failure: Error | null } = { failure: null };
    out.on('error', (err) => (state.failure = err));
    // Rejects with the stream's error, if any (events.once does so for 'error').
    const closed = once(out, 'close');
    closed.catch(() => undefined);
    try {
      out.write('\uFEFF');
      for await (const batch of batches) {
        if (state.failure !== null) throw state.failure;
        let text = '';
        for (const record of batch)
          text += isPlain(record) ? plainRecord(record) : stringify(record);
        if (!out.write(text)) await Promise.race([once(out, 'drain'), closed]);
      }
      out.end();
      await closed;
    } finally {
      out.destroy();
      stringifier.destroy();
    }
  });
}
