import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

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

/**
 * CPU seconds this process's main thread has used (user and system), from the kernel's count
 * (/proc/self/task/<pid>/stat, in clock ticks of 10 ms); null where there is no /proc. Beside the
 * process's CPU it tells the main thread's share from its worker threads'.
 */
export function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Runs a compiled bench script (dist/bench/<name>.js, built by `npm run build`, which prebench runs)
 * in a child process, as the installed command runs: no loader, and the environment
 * bin/rtm-batch.js starts the command with. Resolves with the last JSON line it printed (its
 * figures; --trace-gc writes to stdout too). BENCH_CPU_PROF=dir writes the child's CPU profile
 * there; BENCH_NODE_FLAGS="--trace-gc" (or heap flags) are given to the child alone.
 */
export function runCompiledChild(script: string, args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
          : []),
        ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
        path.join(import.meta.dirname, '../dist/bench', script),
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MALLOC_ARENA_MAX: '2' } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${script} exited ${code}`));
      else resolve(JSON.parse(out.split('\n').findLast((l) => l.startsWith('{')) ?? '{}'));
    });
  });
}
