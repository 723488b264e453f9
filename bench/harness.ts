/** One benchmark: measures itself and its baseline in the same process, on the same input. */
export interface Benchmark {
  name: string;
  description: string;
  unit: string;
  /** Higher is better for rates (rows/s, requests/s); the ratio is value / baselineValue either way. */
  run(): Promise<Measurement>;
}

export interface Measurement {
  value: number;
  baseline: string;
  baselineValue: number;
  /** Extra figures worth printing (counts, sizes); not compared. */
  details?: Record<string, number | string>;
  /** The measured work's own peak RSS when it ran in a process of its own (else this process's). */
  peakRssMB?: number;
}

/** One line of bench/results/latest.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  peakRssMB: number;
  details?: Record<string, number | string>;
}

/** Median of repeated timings, to damp this machine's noise. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Seconds a function takes. */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
