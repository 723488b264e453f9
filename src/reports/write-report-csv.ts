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
function startsFormula(c: number): boolean {
  return (
    c === 0x3d ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x40 ||
    c === 0x09 ||
    c === 0x0d ||
    c === 0xff1d ||
    c === 0xff0b ||
    c === 0xff0d ||
    c === 0xff20
  );
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
/** Bytes a batch's buffer starts with; a record that does not fit starts another. */
const BATCH_BYTES = 256 * 1024;

/**
 * A batch of records as UTF-8 bytes, a plain record encoded straight from its fields. Joining a
 * million records into strings and encoding those cost ~1.1 s per million lines of billing.csv:
 * the joined string is a rope of two dozen pieces a record, and flattening it to encode it costs by
 * the piece (measured: 0.65 s of it), on top of testing each field against a pattern.
 */
class RecordBytes {
  private readonly filled: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private at = 0;

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    if (this.at > 0) this.filled.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(BATCH_BYTES, bytes));
    this.at = 0;
  }

  /**
   * Appends a record whose fields are all plain, exactly as the stringifier would write it;
   * false, and nothing appended, when a field is not plain.
   */
  plain(record: readonly string[]): boolean {
    let units = 2 + record.length;
    for (const field of record) units += field.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(units * 3);
    const buffer = this.buffer;
    let at = this.at;
    for (let i = 0; i < record.length; i++) {
      const field = record[i] as string;
      if (i > 0) buffer[at++] = COMMA;
      if (field.length > 0 && startsFormula(field.charCodeAt(0))) return false;
      let ascii = true;
      for (let k = 0; k < field.length; k++) {
        const c = field.charCodeAt(k);
        if (c === QUOTE || c === COMMA || c === CR || c === LF) return false;
        if (c >= 0x80) ascii = false;
        // Written ahead; a field that is not ASCII is written again over it just below.
        buffer[at + k] = c;
      }
      at += ascii ? field.length : buffer.write(field, at, 'utf8');
    }
    buffer[at++] = CR;
    buffer[at++] = LF;
    this.at = at;
    return true;
  }

  /** Appends text as it is (a record the stringifier wrote). */
  text(text: string): void {
    this.room(text.length * 3);
    this.at += this.buffer.write(text, this.at, 'utf8');
  }

  /** The batch's bytes, in order. */
  take(): Buffer[] {
    if (this.at > 0) this.filled.push(this.buffer.subarray(0, this.at));
    return this.filled;
  }
}

/**
 * writeReportCsv for a million records: the same file, written a batch of records at a time. A
 * record whose fields are all plain text is encoded here (RecordBytes), exactly what the stringifier
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
        const bytes = new RecordBytes();
        for (const record of batch) if (!bytes.plain(record)) bytes.text(stringify(record));
        for (const chunk of bytes.take())
          if (!out.write(chunk)) await Promise.race([once(out, 'drain'), closed]);
      }
      out.end();
      await closed;
    } finally {
      out.destroy();
      stringifier.destroy();
    }
  });
}
