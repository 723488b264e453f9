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
  /** Non-empty rows of the current sheet. */
  | { t: 'rows'; rows: WireRow[] }
  | { t: 'sheet-end' }
  | { t: 'note'; text: string }
  | { t: 'done' }
  | { t: 'fail'; code: FileFailureCode; message: string };
