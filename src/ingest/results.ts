import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { partnerConfig, type Locale } from '../config/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  readResultsSource,
  readRowResults,
  type ResultsSource,
  type RowResult,
} from '../store/index.ts';
import { decodeText } from './decode.ts';
import { writeXlsxResults } from './results-xlsx.ts';

/** The columns a results file adds, in each locale. */
export const RESULT_COLUMNS: Record<Locale, [string, string, string, string]> = {
  en: ['result', 'code', 'message', 'webex_id'],
  ja: ['結果', 'コード', 'メッセージ', 'Webex ID'],
  'pt-BR': ['resultado', 'código', 'mensagem', 'webex_id'],
};

const RESULT_WORDS: Record<Locale, Record<string, string>> = {
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

/**
 * The name a results file may take from the partner's file: only plain names (letters, digits,
 * spaces and common punctuation; no separators, controls, bidi marks or device names). Anything
 * else gets the stored copy's name, which the run made.
 */
export function resultsFileName(
  original: string,
  storedPath: string | null,
  format: 'csv' | 'xlsx',
): string {
  const safe =
    SAFE_NAME.test(original) && !original.startsWith('.') && !WINDOWS_RESERVED.test(original);
  const base = safe ? original : path.basename(storedPath ?? 'file');
  return `${base}.results.${format}`;
}

/**
 * Writes (or rewrites) the results file of each processed file into outbox/<partner>/: a workbook
 * for a workbook, a text file like the input for a text file (the format read from the content,
 * as the files table records it). Written under a temporary name, then renamed.
 */
export async function writeResultsFiles(ctx: RunContext, fileIds: Iterable<number>): Promise<void> {
  for (const id of fileIds) {
    const source = await readResultsSource(ctx.db, id);
    if (!source?.storedPath || !source.format) continue;
    const locale = partnerConfig(ctx.config, source.partner).locale;
    const rows = await readRowResults(ctx.db, id);
    const archived = path.join(ctx.config.home, source.storedPath);
    const dir = path.join(ctx.config.home, 'outbox', source.partner);
    await fs.mkdir(dir, { recursive: true });
    const target = path.join(dir, resultsFileName(source.name, source.storedPath, source.format));
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      if (source.format === 'xlsx') {
        const cells = (r: RowResult | undefined) => renderResultCells(r, locale);
        await writeXlsxResults(archived, tmp, rows, RESULT_COLUMNS[locale], cells);
      } else {
        await fs.writeFile(tmp, await renderCsvResults(archived, source, rows, locale));
      }
      await fs.rename(tmp, target);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
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
  return [word ?? '', [...new Set(r.codes)].join('; '), r.messages.join(' / '), r.webexId ?? ''];
}

/** The partner's own file with four columns added, in its own encoding and delimiter. */
export async function renderCsvResults(
  archived: string,
  source: ResultsSource,
  rows: Map<string, RowResult>,
  locale: Locale,
): Promise<Buffer> {
  const encoding = source.encoding ?? 'utf-8';
  const decoded = decodeText(await fs.readFile(archived), encoding.replace(/-bom$/, ''));
  if (!decoded.ok) throw new Error(`cannot read back ${archived}: ${decoded.message}`);
  let text = decoded.text;
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) text = text.slice(sep[0].length);
  const delimiter = source.details?.delimiter ?? ',';
  const headerRow = source.details?.headerRow ?? 1;
  const records = parse(text, {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
  }) as string[][];
  const out = records.map((cells, index) => {
    const rowNumber = index + 1;
    if (rowNumber < headerRow) return cells;
    if (rowNumber === headerRow) return [...cells, ...RESULT_COLUMNS[locale]];
    return [...cells, ...renderResultCells(rows.get(`\u0000${rowNumber}`), locale)];
  });
  // Cells starting = + - @ would run as formulas in a spreadsheet: they are neutralised, ours and theirs.
  const csv =
    (sep ? sep[0] : '') +
    stringify(out, { delimiter, record_delimiter: '\r\n', escape_formulas: true });
  return encodeLike(csv, encoding);
}

function encodeLike(text: string, encoding: string): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    default:
      return iconv.encode(text, encoding);
  }
}
