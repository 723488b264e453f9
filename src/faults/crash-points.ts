// Fault injection for the crash tests: the process kills itself (SIGKILL, like `kill -9`) at a named
// point of a run's work. Read only when RTM_TEST_HOOKS=1, so a production run never crashes here.

/**
 * Where work can be cut off. Sending a change: claimed (intent recorded), request sent, answer
 * received but not recorded. Importing a file: a batch of its rows staged inside the file's
 * transaction, not committed (rows-staged); its rows committed, the file not yet archived; the
 * file archived, where it went not yet recorded. Writing a report file: written whole under its
 * temporary name, not yet renamed into place.
 */
export type CrashPoint =
  | 'claimed'
  | 'request-sent'
  | 'answer-received'
  | 'rows-staged'
  | 'file-committed'
  | 'file-archived'
  | 'report-written';

const hits = new Map<string, number>();

function armed(point: CrashPoint): { delayMs: number } | null {
  if (process.env.RTM_TEST_HOOKS !== '1') return null;
  const spec = process.env.RTM_CRASH_AT;
  if (!spec) return null;
  // `point` or `point:N` (the N-th time the point is reached).
  const [name, nth] = spec.split(':');
  if (name !== point) return null;
  const n = (hits.get(point) ?? 0) + 1;
  hits.set(point, n);
  if (n !== Number(nth ?? '1')) return null;
  return { delayMs: Number(process.env.RTM_CRASH_DELAY_MS ?? '50') };
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL cannot be caught; this line is never reached.
  throw new Error('unreachable');
}

/** Dies at once when the point is armed. */
export function crashPoint(point: Exclude<CrashPoint, 'request-sent'>): void {
  if (armed(point)) die();
}

/** Dies shortly after a request left, before its answer can arrive (the simulator's latency is longer). */
export function crashAfterSending(): void {
  const arm = armed('request-sent');
  if (arm) setTimeout(die, arm.delayMs);
}
