import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { DOUBLE_ENCODED, SUSPICIOUS } from './decode.ts';
import { MAX_FILE_BYTES } from './pickup.ts';
import {
  CSV_OPTIONS,
  describeCsvError,
  describeLongRecord,
  findHeader,
  NO_HEADER_MESSAGE,
  type CsvResult,
  type FoundHeader,
} from './read-csv.ts';
import type { SheetRow } from './sheet.ts';

/** Bytes read per step; the first step's bytes also serve to find the header. */
const CHUNK_BYTES = 1024 * 1024;
/** Rows handed on per batch: enough for multi-row inserts, few enough to keep memory flat. */
export const ROW_BATCH = 1000;

/** A file-level refusal found while reading (code of contract §6, sentence for the partner). */
export class FileRefusal extends Error {
  constructor(
    readonly code:
      | 'FILE_ENCODING'
      | 'FILE_FORMAT'
      | 'FILE_MALFORMED'
      | 'FILE_HEADER'
      | 'FILE_EMPTY'
      | 'FILE_LIMIT'
      | 'FILE_NOT_REGULAR'
      | 'CHANGED',
    message: string,
  ) {
    super(message);
  }
}

/** A link found where a partner's file should be: refused, and removed by a real run (moveInto). */
export function linkRefusal(): FileRefusal {
  return new FileRefusal(
    'FILE_NOT_REGULAR',
    'this is a link, not a file: links are not followed, and are removed from the inbox (what they point to is not touched); upload the file itself',
  );
}

/** An inbox file opened without following links, with what fstat said of it when opened. */
export interface OpenedFile {
  handle: FileHandle;
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Opens a claimed file without following links (O_NOFOLLOW) and checks the open descriptor: a
 * regular file with one link, within the size limit. Refusals are thrown as FileRefusal.
 */
export async function openInboxFile(file: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw linkRefusal();
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw new FileRefusal(
        'FILE_NOT_REGULAR',
        'this is not a regular file: upload the file itself',
      );
    if (st.nlink !== 1)
      throw new FileRefusal(
        'FILE_NOT_REGULAR',
        'this file has other hard links: upload a plain copy',
      );
    if (st.size > MAX_FILE_BYTES)
      throw new FileRefusal(
        'FILE_LIMIT',
        `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: split it`,
      );
    return { handle, path: file, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Throws CHANGED when the file is not what was opened: size, mtime or inode moved under us. */
export async function checkUnchanged(file: OpenedFile): Promise<void> {
  const after = await file.handle.stat();
  const onDisk = await fs.lstat(file.path).catch(() => null);
  if (after.size !== file.size || after.mtimeMs !== file.mtimeMs || onDisk?.ino !== file.ino)
    throw new FileRefusal(
      'CHANGED',
      'the file changed while it was being read; it will be read once it is stable',
    );
}

/** What one pass over the bytes tells: their hash, the first bytes, and whether they are UTF-8. */
export interface Scan {
  sha256: string;
  head: Buffer;
  /** Every byte was read and the count matches fstat. */
  size: number;
  validUtf8: boolean;
  hasNul: boolean;
  /** A sample of UTF-8 converted twice ("SÃ£o"), if the text is valid UTF-8 and shows one. */
  doubleEncoded: string | null;
  /** Valid UTF-8 that still holds U+FFFD or a C1 control: the first one and its line. */
  damaged: { line: number; char: string } | null;
}

/**
 * What one pass learns of a file's bytes, chunk by chunk: sha256, the first chunk, strict UTF-8
 * validity, NUL bytes, the signs of text converted to UTF-8 twice, and U+FFFD or C1 controls.
 */
class ByteScanner {
  private readonly hash = createHash('sha256');
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private head: Buffer | null = null;
  private size = 0;
  private validUtf8 = true;
  private hasNul = false;
  private doubleEncoded: string | null = null;
  private damaged: Scan['damaged'] = null;
  private linesBefore = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.head ??= Buffer.from(chunk);
    this.size += chunk.length;
    if (!this.hasNul && chunk.includes(0)) this.hasNul = true;
    if (!this.validUtf8) return;
    try {
      const text = this.utf8.decode(chunk, { stream: true });
      this.doubleEncoded ??= DOUBLE_ENCODED.exec(text)?.[0] ?? null;
      if (!this.damaged) {
        const found = SUSPICIOUS.exec(text);
        if (found)
          this.damaged = { line: this.linesBefore + lineOf(text, found.index), char: found[0] };
        else this.linesBefore += countLineFeeds(chunk);
      }
    } catch {
      this.validUtf8 = false;
    }
  }

  finish(): Scan {
    if (this.validUtf8) {
      try {
        this.utf8.decode();
      } catch {
        this.validUtf8 = false;
      }
    }
    return {
      sha256: this.hash.digest('hex'),
      head: this.head ?? Buffer.alloc(0),
      size: this.size,
      validUtf8: this.validUtf8,
      hasNul: this.hasNul,
      doubleEncoded: this.validUtf8 ? this.doubleEncoded : null,
      damaged: this.validUtf8 ? this.damaged : null,
    };
  }
}

/** Reads the whole file once, in chunks, without holding it (ByteScanner). */
export async function scanFile(file: OpenedFile): Promise<Scan> {
  const scanner = new ByteScanner();
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    scanner.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  if (position !== file.size)
    throw new FileRefusal(
      'CHANGED',
      'the file changed while it was being read; it will be read once it is stable',
    );
  return scanner.finish();
}

export type DecodeResult =
  | { ok: true; text: string; encoding: string }
  | { ok: false; code: 'FILE_ENCODING' | 'FILE_FORMAT'; message: string };

/**
 * Decodes a whole text in memory by the import's own rules (chooseEncoding, then the checks the
 * stream makes): for results files and tests of small texts.
 */
export function decodeText(bytes: Uint8Array, legacy: string): DecodeResult {
  const scanner = new ByteScanner();
  scanner.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    const encoding = chooseEncoding(scanner.finish(), legacy);
    const text = iconv.decode(Buffer.from(bytes).subarray(encoding.bomBytes), encoding.iconv, {
      stripBOM: false,
    });
    const found = encoding.iconv === 'utf-8' ? null : SUSPICIOUS.exec(text);
    if (found) throw badDecode(encoding, lineOf(text, found.index), found[0]);
    return { ok: true, text, encoding: encoding.name };
  } catch (err) {
    if (!(err instanceof FileRefusal)) throw err;
    return { ok: false, code: err.code as 'FILE_ENCODING' | 'FILE_FORMAT', message: err.message };
  }
}

/** A legacy decode with characters no sheet holds means the wrong table; UTF-16, a damaged text. */
function badDecode(encoding: TextEncoding, line: number, char: string): FileRefusal {
  return encoding.legacy
    ? wrongLegacyTable(encoding.name)
    : damagedText(line, char, `${encoding.name} (from its byte-order mark)`);
}

function countLineFeeds(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) n += 1;
  return n;
}

/** The 1-based line of a position in a text (line breaks \r\n, \n or \r). */
function lineOf(text: string, index: number): number {
  return text.slice(0, index).split(/\r\n|\r|\n/).length;
}

/**
 * A text that decoded cleanly but holds U+FFFD or a C1 control was damaged before it reached us
 * (a lossy conversion, or windows-1252 read as Latin-1): refused rather than read with holes.
 */
function damagedText(line: number, char: string, tried: string): FileRefusal {
  const what =
    char === '\uFFFD'
      ? 'a replacement character (U+FFFD) where a letter was lost'
      : `a control character (U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) where a letter belongs`;
  return new FileRefusal(
    'FILE_ENCODING',
    `line ${line} holds ${what}: the text was damaged by a conversion before it was sent; save it again as "CSV UTF-8" from the original (tried ${tried})`,
  );
}

/** How a text file's bytes are decoded: the encoding's summary name, iconv's name, BOM length. */
export interface TextEncoding {
  name: string;
  iconv: string;
  bomBytes: number;
  /** Legacy decodes are watched for U+FFFD and C1 controls, which mean the wrong table. */
  legacy: boolean;
}

/** A BOM decides, then strict UTF-8, then the partner's legacy encoding (contract §2). */
export function chooseEncoding(scan: Scan, legacy: string): TextEncoding {
  const { head } = scan;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    if (!scan.validUtf8)
      throw new FileRefusal(
        'FILE_ENCODING',
        'the file starts with a UTF-8 mark but is not valid UTF-8',
      );
    if (scan.damaged)
      throw damagedText(scan.damaged.line, scan.damaged.char, 'utf-8 (from its byte-order mark)');
    return { name: 'utf-8-bom', iconv: 'utf-8', bomBytes: 3, legacy: false };
  }
  if (head[0] === 0xff && head[1] === 0xfe)
    return { name: 'utf-16le', iconv: 'utf-16le', bomBytes: 2, legacy: false };
  if (head[0] === 0xfe && head[1] === 0xff)
    return { name: 'utf-16be', iconv: 'utf-16be', bomBytes: 2, legacy: false };
  if (scan.hasNul)
    throw new FileRefusal(
      'FILE_FORMAT',
      'this is a binary file, not a CSV or text export: save the sheet as CSV (UTF-8) or as .xlsx',
    );
  if (scan.validUtf8) {
    if (scan.doubleEncoded)
      throw new FileRefusal(
        'FILE_ENCODING',
        `the text was converted to UTF-8 twice (it shows "${scan.doubleEncoded}" where an accented letter belongs): save it again as "CSV UTF-8" from the original (tried utf-8)`,
      );
    if (scan.damaged) throw damagedText(scan.damaged.line, scan.damaged.char, 'utf-8');
    return { name: 'utf-8', iconv: 'utf-8', bomBytes: 0, legacy: false };
  }
  return { name: legacy, iconv: legacy, bomBytes: 0, legacy: true };
}

/** The refusal of a legacy decode that produced characters no sheet holds. */
export function wrongLegacyTable(encoding: string): FileRefusal {
  return new FileRefusal(
    'FILE_ENCODING',
    `the text is neither UTF-8 nor ${encoding}: save it as "CSV UTF-8" (tried utf-8, ${encoding})`,
  );
}

/**
 * Text of the first chunk, cut after its last complete line, without a `sep=` line: `sep` is its
 * delimiter and `sepLine` the line as written (with its line break).
 */
export function headText(
  scan: Scan,
  encoding: TextEncoding,
): { text: string; sep: string | null; sepLine: string | null } {
  let bytes = scan.head.subarray(encoding.bomBytes);
  if (scan.size > scan.head.length) {
    // Cut at the last line feed so no character or record is split (UTF-16: the LF's code unit).
    const lf = lastLineFeed(bytes, encoding.iconv);
    if (lf > 0) bytes = bytes.subarray(0, lf);
  }
  const text = iconv.decode(bytes, encoding.iconv, { stripBOM: false });
  const sep = /^sep=(.)\r?\n/i.exec(text);
  return sep
    ? { text: text.slice(sep[0].length), sep: sep[1] as string, sepLine: sep[0] }
    : { text, sep: null, sepLine: null };
}

function lastLineFeed(bytes: Buffer, encoding: string): number {
  if (encoding === 'utf-16le') {
    for (let i = bytes.length - 2; i >= 0; i -= 1)
      if (bytes[i] === 0x0a && bytes[i + 1] === 0 && i % 2 === 0) return i + 2;
    return -1;
  }
  if (encoding === 'utf-16be') {
    for (let i = bytes.length - 2; i >= 0; i -= 1)
      if (bytes[i] === 0 && bytes[i + 1] === 0x0a && i % 2 === 0) return i + 2;
    return -1;
  }
  return bytes.lastIndexOf(0x0a) + 1;
}

/**
 * The header of a text file, found in its first chunk,
 * with `sepLine` the `sep=X` line before it as written (null when there is none).
 */
export interface TextHeader extends FoundHeader {
  sepLine: string | null;
}

export function textHeader(scan: Scan, encoding: TextEncoding): TextHeader | null {
  const { text, sep, sepLine } = headText(scan, encoding);
  const found = findHeader(text, sep ? [sep] : undefined);
  if (!found) return null;
  return { ...found, sepLine };
}

/**
 * Streams a text file's data rows in batches: decode (watching legacy decodes for U+FFFD and C1
 * controls), skip a `sep=` line, csv-parse with strict quotes and column counts. A problem found
 * on the way is thrown as FileRefusal with its line, after the rows before it were yielded: the
 * caller stages in a transaction it rolls back.
 */
export async function* streamCsvRows(
  source: Readable,
  encoding: TextEncoding,
  header: TextHeader,
): AsyncGenerator<CsvBatch> {
  // Where the last whole record ended: a quote left open starts the record after it.
  let lastLine = 0;
  let lastRecord = 0;
  const parser = parse({
    ...CSV_OPTIONS,
    delimiter: header.delimiter,
    relax_column_count: true,
    // The record's number and end line, read from csv-parse's live context (cheaper than `info`).
    on_record: ((record: string[], context: { records: number; lines: number }): ParsedRecord => {
      lastLine = context.lines;
      lastRecord = context.records;
      return { cells: record, records: context.records, lines: context.lines };
    }) as never,
  });
  // UTF-8 goes to csv-parse as bytes, as csv-parse alone reads it; other encodings are decoded first.
  const quotes = new QuoteCount();
  quotes.on('error', (err) => parser.destroy(err));
  if (encoding.iconv === 'utf-8') {
    source.on('error', (err) => quotes.destroy(err));
    source.pipe(quotes).pipe(parser);
  } else {
    const decoder = new DecodeText(encoding);
    source.on('error', (err) => decoder.destroy(err));
    decoder.on('error', (err) => quotes.destroy(err));
    source.pipe(decoder).pipe(quotes).pipe(parser);
  }
  const width = header.header.length;
  // A `sep=X` line is a record of its own; row numbers count from the line after it, as Excel shows.
  const offset = header.sepLine ? 1 : 0;
  const skip = header.headerIndex + 1 + offset;
  try {
    for await (const records of readBatches<ParsedRecord>(parser)) {
      const batch: CsvBatch = { rows: [], others: [] };
      for (const { cells, records: n, lines } of records) {
        if (n <= offset) continue;
        if (n <= skip || isBlank(cells)) {
          batch.others.push({ row: n - offset, cells });
          continue;
        }
        if (cells.length !== width)
          throw new FileRefusal(
            'FILE_MALFORMED',
            `line ${lines} has ${cells.length} fields where the header has ${width}: check for a stray delimiter or quote`,
          );
        batch.rows.push({ row: n - offset, cells });
      }
      if (batch.rows.length || batch.others.length) yield batch;
    }
  } catch (err) {
    if (err instanceof FileRefusal) throw err;
    const e = err as { code?: string; column?: number };
    if (e.code === 'CSV_MAX_RECORD_SIZE') {
      // csv-parse stops a record at the limit whether its quote closes later or never does: the
      // rest of the file tells which (a long cell is FILE_LIMIT, an open quote FILE_MALFORMED).
      const open = await quoteLeftOpen(quotes);
      if (open === false)
        throw new FileRefusal(
          'FILE_LIMIT',
          describeLongRecord(lastRecord + 1 - offset, header.header[e.column ?? -1]),
        );
      if (open === true)
        throw new FileRefusal(
          'FILE_MALFORMED',
          describeCsvError({ code: 'CSV_QUOTE_NOT_CLOSED' }, lastLine + 1),
        );
    }
    throw new FileRefusal('FILE_MALFORMED', describeCsvError(err, lastLine + 1));
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Counts the quote characters (UTF-8 bytes 0x22) of the text on its way to csv-parse. */
class QuoteCount extends Transform {
  quotes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (let i = chunk.indexOf(0x22); i !== -1; i = chunk.indexOf(0x22, i + 1)) this.quotes += 1;
    done(null, chunk);
  }
}

/**
 * Once csv-parse stopped at a record over the size limit: whether a quote is still open at the end
 * of the text, read to its end through the counter (null when the rest cannot be read). Every
 * record before holds an even number of quotes (strict quotes), so the count's parity says it.
 */
async function quoteLeftOpen(quotes: QuoteCount): Promise<boolean | null> {
  quotes.unpipe();
  try {
    for await (const _chunk of quotes as AsyncIterable<Buffer>) {
      // counted on the way through
    }
  } catch {
    return null;
  }
  return quotes.quotes % 2 === 1;
}

/**
 * One batch of a text file's records: its data rows, and the records that are not data (title
 * rows, the header, blank lines), which a results file writes back as they were. `row` counts
 * records from 1 after a `sep=` line, as a spreadsheet numbers the rows.
 */
export interface CsvBatch {
  rows: SheetRow[];
  others: SheetRow[];
}

interface ParsedRecord {
  cells: string[];
  records: number;
  lines: number;
}

/**
 * A readable's objects in batches of up to ROW_BATCH, taken with read() as they are buffered:
 * one await per batch rather than per record.
 */
async function* readBatches<T>(stream: NodeJS.ReadableStream & Readable): AsyncGenerator<T[]> {
  // An error emitted while the consumer is busy with a batch is not lost nor uncaught: the stream
  // keeps it (`errored`), and it is thrown when the next batch is asked for.
  stream.on('error', () => undefined);
  for (;;) {
    const batch: T[] = [];
    let item: T | null;
    while (batch.length < ROW_BATCH && (item = stream.read() as T | null) !== null)
      batch.push(item);
    if (batch.length > 0) {
      yield batch;
      continue;
    }
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        cleanup();
        resolve();
      };
      const fail = (err: Error) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        stream.off('readable', done);
        stream.off('end', done);
        stream.off('error', fail);
      };
      stream.on('readable', done);
      stream.on('end', done);
      stream.on('error', fail);
    });
  }
}

/** A text file's bytes after its BOM, through the descriptor opened at claim time. */
export function fileBytes(file: OpenedFile, encoding: TextEncoding): Readable {
  return Readable.from(readChunks(file, encoding.bomBytes), { objectMode: false });
}

/** Reads a decoded CSV text whole, through the import's own header search and record loop. */
export async function readCsv(text: string): Promise<CsvResult> {
  const sep = /^sep=(.)\r?\n/i.exec(text);
  const found = findHeader(
    sep ? text.slice(sep[0].length) : text,
    sep ? [sep[1] as string] : undefined,
  );
  if (!found) return { ok: false, code: 'FILE_HEADER', message: NO_HEADER_MESSAGE };
  const utf8: TextEncoding = { name: 'utf-8', iconv: 'utf-8', bomBytes: 0, legacy: false };
  const rows: SheetRow[] = [];
  try {
    const source = Readable.from([Buffer.from(text, 'utf8')]);
    for await (const batch of streamCsvRows(source, utf8, {
      ...found,
      sepLine: sep ? sep[0] : null,
    }))
      for (const row of batch.rows) rows.push(row);
  } catch (err) {
    if (!(err instanceof FileRefusal)) throw err;
    return { ok: false, code: err.code as 'FILE_MALFORMED' | 'FILE_LIMIT', message: err.message };
  }
  const sheet = {
    delimiter: found.delimiter,
    header: found.header,
    headerRow: found.headerIndex + 1,
    map: found.map,
    rows,
  };
  return { ok: true, sheet };
}

/** The file's bytes from `start`, chunk by chunk, through the descriptor opened at claim time. */
async function* readChunks(file: OpenedFile, start: number): AsyncGenerator<Buffer> {
  let position = start;
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await file.handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

function isBlank(record: string[]): boolean {
  for (const cell of record) if (cell.trim() !== '') return false;
  return true;
}

/** Legacy or UTF-16 bytes → UTF-8 bytes for csv-parse; refuses text with U+FFFD or C1 controls. */
class DecodeText extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;
  private lines = 0;

  constructor(private readonly encoding: TextEncoding) {
    super();
    this.decoder = iconv.getDecoder(encoding.iconv, { stripBOM: false });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emitText(this.decoder.write(chunk), done);
  }

  override _flush(done: TransformCallback): void {
    this.emitText(this.decoder.end() ?? '', done);
  }

  private emitText(text: string, done: TransformCallback): void {
    const found = SUSPICIOUS.exec(text);
    if (found) {
      done(badDecode(this.encoding, this.lines + lineOf(text, found.index), found[0]));
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.lines += countLineFeeds(bytes);
    done(null, bytes);
  }
}
