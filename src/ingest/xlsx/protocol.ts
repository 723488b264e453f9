import type { WorkbookLimits } from './limits.ts';
import type { CellRange } from './merge-cells.ts';
import type { WireRow } from './sheet-collector.ts';
import type { LocatedEntry } from './zip-directory.ts';

// Messages between readWorkbook (main thread) and the parse worker. Rows travel in batches; the
// worker waits for an ack when MAX_BATCHES_IN_FLIGHT batches are unanswered, so a slow consumer
// holds the parse back instead of queueing the whole workbook in memory.

/** Rows per message. */
export const BATCH_ROWS = 500;
export const MAX_BATCHES_IN_FLIGHT = 4;

export interface WorkerInput {
  file: string;
  tempDir: string;
  limits: WorkbookLimits;
  entries: LocatedEntry[];
}

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

export type MainMessage = { t: 'ack' };
