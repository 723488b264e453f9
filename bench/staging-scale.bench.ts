import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark } from './harness.ts';
import { BATCH, benchLedger, stageFileRows } from './staging-data.ts';

// BENCH_SCALE_ROWS shrinks both files for a quick check of the bench itself.
const ROWS = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const FIRST = Math.min(ROWS, Math.max(1000, Math.round(ROWS / 10)));

/**
 * Whether staging slows down as the ledger grows: a million subscribers of other customers are
 * staged into an empty SQLite ledger (the first tenth of them timed: the empty-ledger cost), then
 * a million of this customer's, timed, into the ledger that now holds the first million. The
 * value is µs per row of the second million, the baseline µs per row of the first 100k; the
 * ratio is their quotient (1 = no growth at all).
 */
export const stagingScale: Benchmark = {
  name: 'staging-scale',
  description: `${ROWS.toLocaleString('en-US')} subscribers staged into a SQLite ledger already holding ${ROWS.toLocaleString('en-US')}: µs/row vs the first ${FIRST.toLocaleString('en-US')} into an empty ledger`,
  unit: 'µs/row',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-scale-'));
    const file = path.join(dir, 'ledger.sqlite');
    try {
      const db = await benchLedger({ client: 'sqlite3', connection: file });
      try {
        const first = slices();
        await stageFileRows(db, {
          name: 'other-customers.csv',
          rows: ROWS,
          customerPrefix: 'other-',
          onProgress: first.at,
        });
        const second = slices();
        await stageFileRows(db, { name: 'subscribers.csv', rows: ROWS, onProgress: second.at });
        const firstRows = first.until(FIRST);
        const secondRows = second.until(ROWS);
        return {
          value: secondRows.wallMicros,
          baseline: `µs/row of the first ${FIRST.toLocaleString('en-US')} rows into an empty ledger`,
          baselineValue: firstRows.wallMicros,
          details: {
            rows: ROWS,
            firstRows: FIRST,
            // CPU time of every thread (SQLite's included): steadier than wall time on a loaded machine.
            cpuRatio: (secondRows.cpuMicros / firstRows.cpuMicros).toFixed(3),
            firstCpuMicrosecondsPerRow: firstRows.cpuMicros.toFixed(1),
            secondCpuMicrosecondsPerRow: secondRows.cpuMicros.toFixed(1),
            firstFileWallMicrosPerTenth: first.tenths().join(' '),
            secondFileWallMicrosPerTenth: second.tenths().join(' '),
            ledgerMB: (statSync(file).size / 2 ** 20).toFixed(0),
          },
        };
      } finally {
        await db.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** Wall and CPU time at each point a file's staging reached, for µs/row over any stretch. */
function slices() {
  const start = { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
  const marks = new Map<number, { wall: number; cpu: number }>();
  const tenth = Math.max(BATCH, Math.round(ROWS / 10 / BATCH) * BATCH);
  return {
    at: (staged: number): void => {
      const cpu = process.cpuUsage(start.cpu);
      marks.set(staged, {
        wall: Number(process.hrtime.bigint() - start.wall) / 1e3,
        cpu: cpu.user + cpu.system,
      });
    },
    /** µs per row of rows [0, rows). */
    until(rows: number): { wallMicros: number; cpuMicros: number } {
      const m = marks.get(rows);
      if (!m) throw new Error(`no mark at ${rows} rows`);
      return { wallMicros: m.wall / rows, cpuMicros: m.cpu / rows };
    },
    /** Wall µs per row of each tenth of the file, to see where it grows. */
    tenths(): string[] {
      const out: string[] = [];
      for (let from = 0; from < ROWS; from += tenth) {
        const a = marks.get(from);
        const b = marks.get(Math.min(ROWS, from + tenth));
        if (a && b)
          out.push(((b.wall - a.wall) / (Math.min(ROWS, from + tenth) - from)).toFixed(0));
      }
      return out;
    },
  };
}
