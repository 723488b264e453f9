import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { PassThrough, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { partnerConfig, type Locale } from '../config/index.ts';
import { createCsvStringifier } from '../csv/index.ts';
import type { RunContext } from '../runs/index.ts';
import {
  readResultsSource,
  streamRowResults,
  type ResultsSource,
  type RowResult,
} from '../store/index.ts';
import { addAttention, syncFile, type AttentionItem } from '../reports/index.ts';
import { fitFileName, NAME_MAX_BYTES, splitExtension, TEMP_SUFFIX_BYTES } from './file-names.ts';
import { describePartnerFault } from '../faults/index.ts';
import { columnLabel, sheetLocale } from '../sheets/index.ts';
import type { IssueCode } from '../rules/index.ts';
import { partnerColumnCount, RESULT_COLUMNS } from './result-columns.ts';
import { rowCursor, writeXlsxResults, type ResultLabels } from './results-xlsx.ts';
import { renderRowMessage } from './messages.ts';

/** What writing a results file needs of the run. */
export type ResultsContext = Pick<RunContext, 'db' | 'config' | 'log'>;

/** The result words of a results file, per locale, as a partner reads them. */
export const RESULT_WORDS: Record<Locale, Record<string, string>> = {
  en: {
    accepted: 'accepted',
    rejected: 'rejected',
    created: 'created',
    updated: 'updated',
    unchanged: 'unchanged',
    deleted: 'deleted',
    failed: 'failed',
    pending: 'pending',
  },
  ja: {
    accepted: '受付済み',
    rejected: '拒否',
    created: '作成済み',
    updated: '更新済み',
    unchanged: '変更なし',
    deleted: '削除済み',
    failed: '失敗',
    pending: '処理中',
  },
  'pt-BR': {
    accepted: 'aceito',
    rejected: 'recusado',
    created: 'criado',
    updated: 'atualizado',
    unchanged: 'inalterado',
    deleted: 'excluído',
    failed: 'falhou',
    pending: 'pendente',
  },
};

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
const SAFE_NAME = /^[\p{L}\p{M}\p{N} ._()[\]+,&'@#=-]{1,180}$/u;

/** Whether a partner's file name may name its results file (resultsFileName). */
function plainName(original: string): boolean {
  return SAFE_NAME.test(original) && !original.startsWith('.') && !WINDOWS_RESERVED.test(original);
}

/**
 * The name a results file may take from the partner's file: only plain names (letters, digits,
 * spaces and common punctuation; no separators, controls, bidi marks or device names). Anything
 * else gets the stored copy's name, which the run made. A name too long for the file system once
 * `.results.csv` and a temporary suffix are added is shortened (fitFileName), keeping its extension.
 */
export function resultsFileName(
  original: string,
  storedPath: string | null,
  format: 'csv' | 'xlsx',
): string {
  const { stem, ext } = splitExtension(
    plainName(original) ? original : path.basename(storedPath ?? 'file'),
  );
  return fitFileName(stem, `${ext}.results.${format}`, NAME_MAX_BYTES - TEMP_SUFFIX_BYTES);
}

/**
 * Writes (or rewrites) the results file of each processed file into outbox/<partner>/: a workbook
 * for a workbook, a text file like the input for a text file (the format read from the content,
 * as the files table records it). Written under a temporary name, then renamed. A partner whose
 * outbox cannot take its file (a file or link where the folder belongs) is reported (attention)
 * and the other partners' files are still written.
 */
export async function writeResultsFiles(
  ctx: ResultsContext,
  fileIds: Iterable<number>,
): Promise<AttentionItem[]> {
  const attention: AttentionItem[] = [];
  for (const id of fileIds) {
    const source = await readResultsSource(ctx.db, id);
    if (!source) continue;
    try {
      await writeResultsFile(ctx, source);
    } catch (err) {
      const fault = describePartnerFault(err, ctx.config.home, source.partner);
      if (fault === null) throw err;
      const message = `the results file of ${JSON.stringify(source.name)} was not written: ${fault}; put that right, and its results are written again when its rows next change.`;
      ctx.log.child({ partner: source.partner }).warn(message);
      addAttention(attention, {
        kind: 'partner_folder',
        partner: source.partner,
        count: 1,
        message,
      });
    }
  }
  return attention;
}

/**
 * Writes the results file of one processed file from its archived copy at `source.storedPath`,
 * which the caller may give before the ledger records it (a file finished after a crash).
 */
export async function writeResultsFile(ctx: ResultsContext, source: ResultsSource): Promise<void> {
  const { id } = source;
  if (!source.storedPath || !source.format) return;
  // Retention prunes a copy only once no row of its file can change: its results file is final.
  if (source.details?.archivePrunedAt) return;
  const settings = partnerConfig(ctx.config, source.partner);
  // The language the import wrote the file's results in (its header's, unless configured).
  const locale = settings.localeConfigured
    ? settings.locale
    : (source.details?.locale ?? settings.locale);
  const archived = path.join(ctx.config.home, source.storedPath);
  const dir = path.join(ctx.config.home, 'outbox', source.partner);
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, resultsFileName(source.name, source.storedPath, source.format));
  const tmp = `${target}.${process.pid}.tmp`;
  await fs.rm(tmp, { force: true }); // a crash's leftover (rm removes a link, never its target)
  try {
    if (source.format === 'xlsx') {
      const resultsOf = (sheet: string) => streamRowResults(ctx.db, id, sheet);
      await writeXlsxResults(archived, tmp, resultsOf, resultLabels(locale), (head) =>
        resultLabels(sheetLocale(settings, head.header)),
      );
    } else {
      await writeCsvResults(archived, tmp, source, streamRowResults(ctx.db, id, ''), locale);
    }
    await syncFile(tmp);
    await fs.rename(tmp, target);
    logResultsWritten(ctx, source.partner, target);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/**
 * Takes the results file under a file's name out of outbox/<partner>/ (either format), once a new
 * upload of that name is committed by a run that writes results at its end (a nightly): what is
 * there is the earlier upload's, and a partner who re-sent a fixed file should see no results yet,
 * not the old ones with the old errors, until this upload's are written (at the run's end, or by
 * the next run if this one dies). A name that is not plain gets its stored copy's name, unique to
 * the upload: nothing to take. Only a file or link is removed (a link itself, never its target),
 * and only in a real folder.
 */
export async function withdrawResults(
  ctx: ResultsContext,
  partner: string,
  name: string,
): Promise<void> {
  if (!plainName(name)) return;
  const dir = path.join(ctx.config.home, 'outbox', partner);
  const folder = await fs.lstat(dir).catch(() => null);
  if (!folder?.isDirectory()) return;
  for (const format of ['csv', 'xlsx'] as const) {
    const target = path.join(dir, resultsFileName(name, null, format));
    const found = await fs.lstat(target).catch(() => null);
    if (!found || found.isDirectory()) continue;
    try {
      await fs.unlink(target);
      const file = path.relative(ctx.config.home, target);
      ctx.log.info(`results file ${file} withdrawn: it was an earlier upload's`, {
        event: 'results.withdrawn',
        partner,
        file,
      });
    } catch (err) {
      ctx.log.warn(`could not withdraw ${target}: ${(err as Error).message}`, { partner });
    }
  }
}

/** Says in the log that a results file is in the partner's outbox (event `results.written`). */
export function logResultsWritten(ctx: ResultsContext, partner: string, target: string): void {
  const file = path.relative(ctx.config.home, target);
  ctx.log.info(`results file ${file} written`, { event: 'results.written', partner, file });
}

/** The result columns and words of a results file in a locale. */
export function resultLabels(locale: Locale): ResultLabels {
  return {
    headers: RESULT_COLUMNS[locale],
    cells: (r) => renderResultCells(r, locale),
    issueMessages: (r) => issueMessages(r, locale),
  };
}

/**
 * A row's issues in `locale`, each naming its row and column as the partner's sheet in that
 * language does: the one place a check's code and values become a partner's words.
 */
export function issueMessages(r: RowResult, locale: Locale): string[] {
  const kind = r.kind === 'customer' ? 'customers' : 'subscribers';
  return r.issues.map((i) =>
    renderRowMessage(
      i.code as IssueCode,
      i.params,
      locale,
      r.row,
      i.column ? columnLabel(kind, i.column, locale) : null,
    ),
  );
}

/** A row's messages in `locale`: its issues', then its provisioning result's. */
export function rowMessages(r: RowResult, locale: Locale): string[] {
  const out = issueMessages(r, locale);
  if (r.resultText) out.push(r.resultText);
  const m = r.resultMessage;
  if (m) out.push(renderRowMessage(m.template as IssueCode, m.params, locale, r.row, null));
  return out;
}

/** A row's codes: its issues', then its provisioning result's; each once. */
export function rowCodes(r: RowResult): string[] {
  const codes = r.issues.map((i) => i.code);
  if (r.resultCode) codes.push(r.resultCode);
  return [...new Set(codes)];
}

/** The four cells a results file adds to a row: result, codes, messages, Webex id. */
export function renderResultCells(
  r: RowResult | undefined,
  locale: Locale,
): [string, string, string, string] {
  if (!r) return ['', '', '', ''];
  const words = RESULT_WORDS[locale];
  const word =
    r.outcome === 'rejected' ? words.rejected : (words[r.result ?? 'accepted'] ?? r.result ?? '');
  return [word ?? '', rowCodes(r).join('; '), rowMessages(r, locale).join(' / '), r.webexId ?? ''];
}

/**
 * The partner's own file with four columns added, in its own encoding and delimiter, streamed:
 * the archived copy is read again record by record beside its row results in row order.
 */
export async function writeCsvResults(
  archived: string,
  target: string,
  source: ResultsSource,
  results: AsyncIterable<RowResult>,
  locale: Locale,
): Promise<void> {
  const encoding = source.encoding ?? 'utf-8';
  const delimiter = source.details?.delimiter ?? ',';
  const headerRow = source.details?.headerRow ?? 1;
  const bomBytes = BOMS[encoding]?.length ?? 0;
  const reader = createReadStream(archived, { start: bomBytes });
  const decoded =
    encoding === 'utf-8' || encoding === 'utf-8-bom'
      ? reader
      : reader.pipe(iconv.decodeStream(encoding, { stripBOM: false }));
  const parser = decoded.pipe(
    parse({ delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true }),
  );
  reader.on('error', (err) => parser.destroy(err));
  const resultFor = rowCursor(results);
  const sep = await sepLine(archived, bomBytes, encoding);
  const writer = await CsvResultsWriter.open(
    target,
    { encoding, delimiter, headerRow, sep },
    locale,
  );
  try {
    let index = 0;
    let sepSkipped = sep === null;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!sepSkipped) {
        sepSkipped = true; // Excel's `sep=X` hint is not a row; the writer puts it back as it was
        continue;
      }
      index += 1;
      await writer.record(index, cells, index > headerRow ? await resultFor(index) : undefined);
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.end();
}

/** How a text results file is written: like the partner's file (contract §2). */
export interface CsvResultsFormat {
  /** The encoding's summary name (utf-8, utf-8-bom, utf-16le, shift_jis, …). */
  encoding: string;
  delimiter: string;
  /** The header's record number, counted after a `sep=` line. */
  headerRow: number;
  /** A first `sep=X` line, as the partner wrote it (with its line break). */
  sep: string | null;
}

/**
 * A text results file written record by record, in record order: records above the header as they
 * were, the header with the result columns, each later record with its row's result. Used by
 * writeCsvResults when a results file is rewritten, and by the import in the pass that reads the
 * file. `target` should be a temporary name the caller renames.
 */
export class CsvResultsWriter {
  /** The partner's columns: a results file dropped back ends with ours, which are not echoed. */
  private keep = Infinity;

  private constructor(
    private readonly stringifier: Transform,
    private readonly done: Promise<void>,
    private readonly headerRow: number,
    private readonly locale: Locale,
  ) {}

  static async open(
    target: string,
    format: CsvResultsFormat,
    locale: Locale,
  ): Promise<CsvResultsWriter> {
    const { encoding, delimiter } = format;
    const out = createWriteStream(target, { flags: 'wx' });
    await once(out, 'open');
    const bom = BOMS[encoding];
    if (bom) out.write(bom);
    if (format.sep) out.write(encodeText(format.sep, encoding));
    const utf8 = encoding === 'utf-8' || encoding === 'utf-8-bom';
    // Text is written like the partner's file (delimiter, then encoding); cells starting = + - @
    // are neutralised and multi-line cells quoted, ours and theirs (createCsvStringifier).
    const stringifier = createCsvStringifier({ delimiter, bom: false });
    const done = pipeline(stringifier, utf8 ? new PassThrough() : encodeStream(encoding), out);
    done.catch(() => undefined); // awaited by end() and abort()
    return new CsvResultsWriter(stringifier, done, format.headerRow, locale);
  }

  /** Record `index` (1-based, after a `sep=` line) of the partner's file, with its row's result. */
  async record(index: number, cells: string[], result: RowResult | undefined): Promise<void> {
    if (index === this.headerRow) this.keep = partnerColumnCount(cells);
    const line =
      index < this.headerRow
        ? cells
        : index === this.headerRow
          ? [...cells.slice(0, this.keep), ...RESULT_COLUMNS[this.locale]]
          : [...cells.slice(0, this.keep), ...renderResultCells(result, this.locale)];
    if (!this.stringifier.write(line))
      await Promise.race([once(this.stringifier, 'drain'), this.done]);
  }

  /** Ends the file: it is whole once this resolves. */
  async end(): Promise<void> {
    this.stringifier.end();
    await this.done;
  }

  /** Stops writing; the caller removes the partial file. */
  async abort(): Promise<void> {
    this.stringifier.destroy();
    await this.done.catch(() => undefined);
  }
}

/** A first `sep=X` line of a text file (with its line break), as its bytes decode. */
async function sepLine(file: string, skip: number, encoding: string): Promise<string | null> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(32);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, skip);
    const name = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
    const text = iconv.decode(buffer.subarray(0, bytesRead), name, { stripBOM: false });
    const found = /^sep=.\r?\n/i.exec(text);
    return found ? found[0] : null;
  } finally {
    await handle.close();
  }
}

/** UTF-8 bytes in, the partner's encoding out (a character split across chunks is kept whole). */
function encodeStream(encoding: string): Transform {
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, iconv.encode(decoder.write(chunk), encoding));
    },
    flush(done) {
      done(null, iconv.encode(decoder.end(), encoding));
    },
  });
}

function encodeText(text: string, encoding: string): Buffer {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') return Buffer.from(text, 'utf8');
  return iconv.encode(text, encoding);
}

const BOMS: Record<string, Buffer> = {
  'utf-8-bom': Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-16le': Buffer.from([0xff, 0xfe]),
  'utf-16be': Buffer.from([0xfe, 0xff]),
};
