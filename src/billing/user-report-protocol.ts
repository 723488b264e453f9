// Messages between readUserReportInWorker (main thread) and user-report-worker.ts. The report's
// bytes go to the worker a chunk at a time, its lines come back in batches; each side holds the
// other back by answering what it took (`took`, `handled`), so neither queue grows past a few
// messages whatever the report's size.

/** Chunks of the report the main thread sends before the worker says it took one. */
export const MAX_CHUNKS_IN_FLIGHT = 8;
/** Batches of lines the worker sends before the main thread says it handled one. */
export const MAX_BATCHES_IN_FLIGHT = 4;

export type ToWorker =
  | { t: 'bytes'; chunk: Uint8Array }
  | { t: 'end' }
  /** The input failed (a download cut short): the worker stops. */
  | { t: 'abort'; message: string }
  | { t: 'handled' };

export type FromWorker =
  | { t: 'took' }
  /**
   * Lines as JSON: a flat array, 4 cells a line: email, then the package, org and customer as
   * indexes into the names sent so far (-1: none). `names` are the ones new with this batch.
   */
  | { t: 'lines'; json: string; names: string[] }
  | { t: 'fail'; code: 'BILLING_COLUMNS' | 'BILLING_MALFORMED' | null; message: string }
  | { t: 'done' };
