// `npm run bench [-- name…]`: runs each benchmark in a child process of its own (so its peak RSS is
// its own), prints a table and writes bench/results/latest.json. Benchmarks assert nothing.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './harness.ts';
import { BENCHMARKS, SKIPPED } from './registry.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  for (const name of asked.filter((n) => SKIPPED.includes(n)))
    process.stderr.write(`skipping ${name}: it needs PostgreSQL; set DATABASE_URL\n`);
  const unknown = asked.filter(
    (n) => !BENCHMARKS.some((b) => b.name === n) && !SKIPPED.includes(n),
  );
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = asked.length > 0 ? BENCHMARKS.filter((b) => asked.includes(b.name)) : BENCHMARKS;
  if (chosen.length === 0) return 0;
  const results: BenchResult[] = [];
  for (const bench of chosen) {
    process.stderr.write(`running ${bench.name}: ${bench.description}\n`);
    results.push(await runOne(bench.name));
  }
  printTable(results);
  const out = path.join(here, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`wrote ${path.join(out, 'latest.json')}\n`);
  return 0;
}

function runOne(name: string): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'run-one.ts'), name],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`benchmark ${name} exited ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as BenchResult);
    });
  });
}

function printTable(results: BenchResult[]): void {
  const rows = [
    ['benchmark', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'peak RSS MB'],
    ...results.map((r) => [
      r.name,
      fmt(r.value),
      r.unit,
      r.baseline,
      fmt(r.baselineValue),
      r.ratio.toFixed(3),
      r.peakRssMB.toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    process.stdout.write(row.map((c, i) => c.padEnd(widths[i]!)).join('  ') + '\n');
  for (const r of results) {
    if (r.details)
      process.stdout.write(
        `${r.name}: ${Object.entries(r.details)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}\n`,
      );
  }
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

process.exitCode = await main();
