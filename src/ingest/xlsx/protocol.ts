import type { CellFlag } from '../sheet.ts';
import type { WorkbookLimits } from './limits.ts';
import type { CellRange } from './merge-cells.ts';
import type { WireRow } from './sheet-collector.ts';
import type { LocatedEntry } from './zip-directory.ts';

// Messages between readWorkbook (main thread) and the parse worker. Rows travel in batches; the
// worker waits when MAX_BATCHES_IN_FLIGHT batches are not handled yet, so a slow consumer holds the
// parse back instead of queueing the whole workbook in memory. The main thread counts the batches
// it has handled in `handled` (shared memory) instead of answering each with a message: posting
// those answers took the main thread 3.5% of a workbook import, more than collecting the rows.

/** Rows per message: the import's batch (ROW_BATCH), which staging takes in one go. */
export const BATCH_ROWS = 1000;
export const MAX_BATCHES_IN_FLIGHT = 4;

export interface WorkerInput {
  file: string;
  limits: WorkbookLimits;
  entries: LocatedEntry[];
  /** One Int32: how many `rows` messages the main thread has handled (HANDLED_INDEX). */
  handled: SharedArrayBuffer;
}

export const HANDLED_INDEX = 0;

export type FileFailureCode = 'FILE_LIMIT' | 'FILE_MALFORMED' | 'FILE_HEADER';

export type WorkerMessage =
  | { t: 'ready' }
  /**
   * A visible worksheet starts; `position` is its place among the workbook's tabs, `last` whether
   * no other worksheet to read follows it.
   */
  | { t: 'sheet'; name: string; position: number; last: boolean; merges: CellRange[] }
  /** Non-empty rows of the current sheet (packRows). */
  | { t: 'rows'; rows: WireBatch }
  | { t: 'sheet-end' }
  | { t: 'note'; text: string }
  | { t: 'done' }
  | { t: 'fail'; code: FileFailureCode; message: string };

/**
 * A batch of rows as it crosses to the main thread: their numbers, texts and type codes each in one
 * array. A thousand row objects took the structured clone 8 ms between threads (half of it on the
 * main thread), these arrays 2 ms. Not one string for the whole batch (faster still): each cell
 * the import keeps (an admin's email, a refused value) would then hold the whole batch's text.
 */
export interface WireBatch {
  numbers: Float64Array;
  texts: string[];
  types: string[];
  /** The flags of the rows that have any, by their place in the batch. */
  flags: [number, (CellFlag | null)[]][];
}

export function packRows(rows: readonly WireRow[]): WireBatch {
  const batch: WireBatch = {
    numbers: new Float64Array(rows.length),
    texts: new Array<string>(rows.length),
    types: new Array<string>(rows.length),
    flags: [],
  };
  rows.forEach((row, i) => {
    batch.numbers[i] = row.row;
    batch.texts[i] = row.text;
    batch.types[i] = row.types;
    if (row.flags) batch.flags.push([i, row.flags]);
  });
  return batch;
}

export function unpackRows(batch: WireBatch): WireRow[] {
  const { numbers, texts, types } = batch;
  const rows = new Array<WireRow>(numbers.length);
  for (let i = 0; i < numbers.length; i++)
    rows[i] = { row: numbers[i] as number, text: texts[i] as string, types: types[i] as string };
  for (const [at, flags] of batch.flags) (rows[at] as WireRow).flags = flags;
  return rows;
}
