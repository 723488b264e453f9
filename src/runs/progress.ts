/** The figures of one piece of work in progress, as its capability knows them. */
export interface ProgressFigures {
  done: number;
  /** Null while unknown. */
  total: number | null;
  /** What `done` counts: rows, changes, pages. */
  unit: string;
  /** Bytes read of a file, and its size. */
  bytes?: number;
  totalBytes?: number;
  /** HTTP requests made and 429s answered so far (provisioning). */
  requests?: number;
  rateLimited?: number;
}

/**
 * Where a run shows how far it is: a bar on a terminal, a log line every few seconds otherwise.
 * Capabilities call `show` as often as they like (it only stores the figures) and `end` once.
 */
export interface Progress {
  show(task: string, figures: ProgressFigures): void;
  end(task: string): void;
  /** No more progress: the bars make way for the summary. */
  close(): void;
}

/** Shows nothing: for runs without a person or a log to tell (tests, library use). */
export const noProgress: Progress = {
  show: () => undefined,
  end: () => undefined,
  close: () => undefined,
};
