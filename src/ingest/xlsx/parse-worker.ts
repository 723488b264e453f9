// The worker thread that reads one workbook. It runs under resourceLimits and a time limit set by
// readWorkbook, so a workbook built to exhaust memory or time stops here, not in the batch run.
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { CellFlag } from '../sheet.ts';
import { cellText, TYPE_CODES } from './cell-text.ts';
import { columnLetters, MergeScanner, type CellRange } from './merge-cells.ts';
import {
  BATCH_ROWS,
  HANDLED_INDEX,
  MAX_BATCHES_IN_FLIGHT,
  packRows,
  type WorkerInput,
  type WorkerMessage,
} from './protocol.ts';
import { PackedStrings, readSharedStrings } from './shared-strings.ts';
import { worksheetRows, type SheetContext, type SheetXmlRow } from './worksheet-xml.ts';
import { xmlText } from './xml-text.ts';
import { CELL_SEPARATOR, type WireRow } from './sheet-collector.ts';
import { readNumberFormats, readRelationships, readWorkbookModel } from './workbook-parts.ts';
import { DAMAGED, openZipEntry, type LocatedEntry } from './zip-directory.ts';

type Failure = Extract<WorkerMessage, { t: 'fail' }>;

// Each chunk of XML becomes one batch of rows, all alive at once. With exceljs's reader, chunks of
// 256 KB made garbage collection take half the worker's time; 16 KB (zlib's own size) keeps the
// batch in the young generation.
const PARSE_CHUNK_BYTES = 16 * 1024;

const ENTITY_DECLARATIONS =
  'the workbook contains XML entity declarations (a DOCTYPE), which we do not read: Excel never writes them and they are a known way to attack XML readers; save the workbook again from Excel';
const ENTITY_REFERENCE =
  'the workbook refers to an XML entity it does not declare, which we do not read: Excel never writes one; save the workbook again from Excel';
const EMPTY_CODE = TYPE_CODES.empty;

const input = workerData as WorkerInput;
const port = parentPort as NonNullable<typeof parentPort>;

/** Atomics.waitAsync (Node 16+), which the ES2023 library this project compiles against lacks. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** `rows` messages the main thread has handled, counted by it (protocol.ts). */
const handled = new Int32Array(input.handled);
let sentBatches = 0;

async function send(message: WorkerMessage): Promise<void> {
  port.postMessage(message);
  if (message.t !== 'rows') return;
  sentBatches++;
  for (;;) {
    const done = Atomics.load(handled, HANDLED_INDEX);
    if (sentBatches - done < MAX_BATCHES_IN_FLIGHT) return;
    const wait = waitAsync(handled, HANDLED_INDEX, done);
    if (!wait.async) continue;
    // A pending wait does not keep a thread alive: with its part read ahead and nothing else to
    // do, the worker would exit mid-sheet ("the reader stopped early"). This timer keeps it.
    const alive = setInterval(() => undefined, 60_000);
    try {
      await wait.value;
    } finally {
      clearInterval(alive);
    }
  }
}

function fail(code: Failure['code'], message: string): Failure {
  return { t: 'fail', code, message };
}

/**
 * Unpacks every part once before parsing: checks that it unpacks to the size the index declares
 * (the sizes our limits were checked against: a lying part would otherwise unpack without limit),
 * that no XML part declares entities, and collects each worksheet's merged ranges.
 */
async function scanParts(entries: LocatedEntry[]): Promise<Map<string, CellRange[]> | Failure> {
  const merges = new Map<string, CellRange[]>();
  for (const entry of entries) {
    const xml = /\.(xml|rels)$/i.test(entry.name);
    const scanner = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name) ? new MergeScanner() : null;
    let size = 0;
    try {
      for await (const chunk of openZipEntry(input.file, entry) as AsyncIterable<Buffer>) {
        if (size === 0 && xml && /<!(DOCTYPE|ENTITY)/.test(chunk.toString('latin1', 0, 65536)))
          return fail('FILE_MALFORMED', ENTITY_DECLARATIONS);
        size += chunk.length;
        if (size > entry.uncompressedSize)
          return fail(
            'FILE_LIMIT',
            `part ${entry.name} of the workbook unpacks to more than the ${entry.uncompressedSize.toLocaleString('en-US')} bytes its index declares: the file is damaged or built to exhaust memory, and is not read`,
          );
        scanner?.feed(chunk);
      }
    } catch (err) {
      return fail('FILE_MALFORMED', `${DAMAGED} [part ${entry.name}: ${(err as Error).message}]`);
    }
    if (size !== entry.uncompressedSize)
      return fail('FILE_MALFORMED', `${DAMAGED} [part ${entry.name} is shorter than declared]`);
    if (scanner && scanner.ranges.length) merges.set(entry.name, scanner.ranges);
  }
  return merges;
}

/** One row's cells as text from column A; null when the row has no value at all. */
function wireRow(row: SheetXmlRow, sheet: string, date1904: boolean): WireRow | null | Failure {
  // Rows may omit their number in the XML: without it, the cells cannot be placed.
  if (!Number.isSafeInteger(row.number) || row.number < 1)
    return fail('FILE_MALFORMED', `${DAMAGED} [sheet '${sheet}' has a row without a row number]`);
  const cells: string[] = [];
  let types = '';
  let flags: (CellFlag | null)[] | undefined;
  for (const { col, value: cellValue, numFmt } of row.cells) {
    const value = cellText(cellValue, numFmt, date1904);
    if ('unreadable' in value)
      return fail(
        'FILE_MALFORMED',
        `sheet '${sheet}', cell ${columnLetters(col)}${row.number} holds ${value.unreadable}: ${DAMAGED}`,
      );
    if (value.text === '' && !value.flag) continue;
    if (col > input.limits.maxColumns)
      return fail(
        'FILE_LIMIT',
        `sheet '${sheet}', cell ${columnLetters(col)}${row.number} has a value beyond column ${columnLetters(input.limits.maxColumns)}, the last of the ${input.limits.maxColumns} columns we read: delete what is there`,
      );
    if (value.text.length > input.limits.maxCellLength)
      return fail(
        'FILE_LIMIT',
        `sheet '${sheet}', cell ${columnLetters(col)}${row.number} holds ${value.text.length.toLocaleString('en-US')} characters, more than the ${input.limits.maxCellLength.toLocaleString('en-US')} a cell may hold`,
      );
    while (cells.length < col - 1) {
      cells.push('');
      types += EMPTY_CODE;
    }
    cells.push(value.text);
    types += TYPE_CODES[value.type];
    if (value.flag) {
      flags ??= [];
      flags[col - 1] = value.flag;
    }
  }
  if (cells.length === 0) return null;
  if (flags) for (let i = 0; i < cells.length; i++) flags[i] ??= null;
  // One flat string per row: it frees the parser's XML chunks that the cell strings point into
  // (held until the batch is posted, they cost a third more time in garbage collection).
  const text = cells.join(CELL_SEPARATOR);
  return flags ? { row: row.number, text, types, flags } : { row: row.number, text, types };
}

/** A relationship target of xl/workbook.xml as a part name: "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml". */
function partName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : path.posix.normalize(`xl/${target}`);
}

async function readSheets(merges: Map<string, CellRange[]>): Promise<Failure | null> {
  const parts = new Map(input.entries.map((e) => [e.name, e]));
  /** A part's XML as text, or null when the workbook has no such part. */
  const open = (name: string): AsyncGenerator<string> | null => {
    const entry = parts.get(name);
    if (!entry) return null;
    return xmlText(
      openZipEntry(input.file, entry, PARSE_CHUNK_BYTES) as AsyncIterable<Buffer>,
      name,
    );
  };
  const rels = open('xl/_rels/workbook.xml.rels');
  const book = open('xl/workbook.xml');
  if (!rels || !book) return fail('FILE_MALFORMED', `${DAMAGED} [the list of sheets is missing]`);
  const relationships = await readRelationships(rels);
  const { sheets, date1904 } = await readWorkbookModel(book);
  const target = (type: string): string | undefined => {
    const rel = relationships.find((r) => r.Type.endsWith(`/${type}`));
    return rel && partName(rel.Target);
  };
  const sharedStrings = open(target('sharedStrings') ?? 'xl/sharedStrings.xml');
  let strings: PackedStrings | null = null;
  if (sharedStrings) await readSharedStrings(sharedStrings, (strings = new PackedStrings()));
  const styles = open(target('styles') ?? 'xl/styles.xml');
  const numFmt = styles ? await readNumberFormats(styles) : () => undefined;
  const context: SheetContext = { strings, date1904, numFmt };

  if (sheets.length === 0)
    return fail(
      'FILE_HEADER',
      'the workbook has no worksheet we can read: save it again from Excel as .xlsx',
    );
  // Which tabs are worksheets read here: a sheet is told whether another one follows it.
  const readable = sheets.map(({ rId, state }) => {
    const rel = relationships.find((r) => r.Id === rId);
    return !!rel?.Type.endsWith('/worksheet') && state !== 'hidden' && state !== 'veryHidden';
  });
  for (const [position, { name, rId, state }] of sheets.entries()) {
    const rel = relationships.find((r) => r.Id === rId);
    if (!rel || !rel.Type.endsWith('/worksheet')) {
      await send({
        t: 'note',
        text: `sheet '${name}' is not a worksheet (a chart?) and was not read`,
      });
      continue;
    }
    if (state === 'hidden' || state === 'veryHidden') {
      await send({ t: 'note', text: `sheet '${name}' is hidden and was not read` });
      continue;
    }
    const part = partName(rel.Target);
    const xml = open(part);
    if (!xml) return fail('FILE_MALFORMED', `${DAMAGED} [sheet '${name}' is missing]`);
    const last = !readable.slice(position + 1).includes(true);
    await send({ t: 'sheet', name, position, last, merges: merges.get(part) ?? [] });
    let batch: WireRow[] = [];
    for await (const rows of worksheetRows(xml, context))
      for (const row of rows) {
        const wire = wireRow(row, name, date1904);
        if (wire === null) continue;
        if ('t' in wire) return wire;
        batch.push(wire);
        if (batch.length >= BATCH_ROWS) {
          await send({ t: 'rows', rows: packRows(batch) });
          batch = [];
        }
      }
    if (batch.length) await send({ t: 'rows', rows: packRows(batch) });
    await send({ t: 'sheet-end' });
  }
  return null;
}

async function main(): Promise<WorkerMessage> {
  const merges = await scanParts(input.entries);
  if (!(merges instanceof Map)) return merges;
  try {
    return (await readSheets(merges)) ?? { t: 'done' };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    // saxes rejects entity references it was not told about ("undefined entity").
    if (/entity/i.test(message)) return fail('FILE_MALFORMED', ENTITY_REFERENCE);
    return fail('FILE_MALFORMED', `${DAMAGED} [${message.slice(0, 200)}]`);
  }
}

port.postMessage({ t: 'ready' } satisfies WorkerMessage);
port.postMessage(await main());
