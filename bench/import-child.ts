// Runs one `import` on a prepared workspace and prints its time, rows accepted and this process's
// peak RSS as one JSON line: the measured import alone, without the data generation or baseline.
// It runs compiled (dist/bench/import-child.js, built with the CLI), as the installed command does.
// BENCH_MEM_TRACE=1 writes a memory sample to stderr every second and whenever RSS grew by 8 MB
// (what the peak is made of); BENCH_SQL_TRACE=1 each SQL statement, timed from the start, beside it.
import { readFileSync } from 'node:fs';
import { importJob } from '../jobs/index.ts';
import { closeApp, openApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { peakRssMB, seconds } from './harness.ts';

const home = process.argv[2] as string;
const started = Date.now();
const loaded = loadConfig({ home, env: {}, cwd: home });
if (!loaded.config) throw new Error(loaded.errors.join('\n'));
const rssBeforeMB = process.memoryUsage().rss / 2 ** 20; // node and our modules, before any row
const app = await openApp(loaded.config, { quiet: true });
let accepted = 0;
if (process.env.BENCH_SQL_TRACE === '1')
  app.db.on('query', (q: { sql: string }) =>
    process.stderr.write(
      `sql t=${((Date.now() - started) / 1000).toFixed(1)}s ${q.sql.slice(0, 160)}\n`,
    ),
  );
// Where the peak RSS goes, sampled: the main thread's heap, its buffers outside the heap, and
// the kernel's split of the process's resident memory (anonymous: every heap and malloc arena of
// every thread; file: mapped files; shmem: SQLite's WAL index).
const MB = 2 ** 20;
const peaks = { heap: 0, heapUsed: 0, external: 0, arrayBuffers: 0, anon: 0, file: 0, shmem: 0 };
const trace = process.env.BENCH_MEM_TRACE === '1';
let tick = 0;
let lastRss = 0;
setInterval(() => {
  const m = process.memoryUsage();
  const kernel = rssParts();
  peaks.heap = Math.max(peaks.heap, m.heapTotal);
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
  peaks.external = Math.max(peaks.external, m.external);
  peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers);
  peaks.anon = Math.max(peaks.anon, kernel.anon);
  peaks.file = Math.max(peaks.file, kernel.file);
  peaks.shmem = Math.max(peaks.shmem, kernel.shmem);
  if (trace && (tick++ % 10 === 0 || m.rss > lastRss + 8 * MB)) {
    lastRss = m.rss;
    process.stderr.write(
      `mem t=${((Date.now() - started) / 1000).toFixed(0)}s rss=${(m.rss / MB).toFixed(0)} anon=${(kernel.anon / MB).toFixed(0)} file=${(kernel.file / MB).toFixed(0)} shmem=${(kernel.shmem / MB).toFixed(0)} heapTotal=${(m.heapTotal / MB).toFixed(0)} heapUsed=${(m.heapUsed / MB).toFixed(0)} external=${(m.external / MB).toFixed(0)} arrayBuffers=${(m.arrayBuffers / MB).toFixed(0)}\n`,
    );
  }
}, 100).unref();
try {
  const importSeconds = await seconds(async () => {
    const run = { dryRun: false, partner: null, signal: new AbortController().signal };
    accepted = (await importJob(app, run)).rows.accepted;
  });
  process.stdout.write(
    JSON.stringify({
      importSeconds,
      accepted,
      peakRssMB: peakRssMB(),
      rssBeforeMB,
      mainHeapPeakMB: peaks.heap / MB,
      mainArrayBuffersPeakMB: peaks.arrayBuffers / MB,
      mainExternalPeakMB: peaks.external / MB,
      rssAnonPeakMB: peaks.anon / MB,
      rssFilePeakMB: peaks.file / MB,
      rssShmemPeakMB: peaks.shmem / MB,
      // CPU seconds of every thread (the reader worker, SQLite's and zlib's pool threads included).
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    }) + '\n',
  );
} finally {
  await closeApp(app);
}

/** The kernel's split of this process's resident memory, in bytes (zero off Linux). */
function rssParts(): { anon: number; file: number; shmem: number } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}
