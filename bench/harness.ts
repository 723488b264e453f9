import { readFileSync } from 'node:fs';

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

/**
 * This process's peak RSS in MB: the kernel's high-water mark of its own memory (VmHWM). Not
 * getrusage's maxRSS: on Linux a spawned process's maxRSS starts at its parent's RSS when it was
 * spawned (measured: 804 MB for a 39 MB child of an 843 MB parent), so a child started after a
 * large baseline reported the baseline's memory as its own.
 */
export function peakRssMB(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux: maxRSS below
  }
  return process.resourceUsage().maxRSS / 1024;
}
