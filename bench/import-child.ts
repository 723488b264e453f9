// Runs one `import` on a prepared workspace and prints its time, rows accepted and this process's
// peak RSS as one JSON line: the measured import alone, without the data generation or baseline.
// It runs compiled (dist/bench/import-child.js, built with the CLI), as the installed command does.
import { importJob } from '../jobs/index.ts';
import { closeApp, openApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { peakRssMB, seconds } from './harness.ts';

const home = process.argv[2] as string;
const loaded = loadConfig({ home, env: {}, cwd: home });
if (!loaded.config) throw new Error(loaded.errors.join('\n'));
const rssBeforeMB = process.memoryUsage().rss / 2 ** 20; // node and our modules, before any row
const app = await openApp(loaded.config, { quiet: true });
let accepted = 0;
// Where the peak RSS goes, sampled: the main thread's heap and its buffers outside the heap.
let heapPeak = 0;
let arrayBuffersPeak = 0;
setInterval(() => {
  const { heapTotal, arrayBuffers } = process.memoryUsage();
  heapPeak = Math.max(heapPeak, heapTotal);
  arrayBuffersPeak = Math.max(arrayBuffersPeak, arrayBuffers);
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
      mainHeapPeakMB: heapPeak / 2 ** 20,
      mainArrayBuffersPeakMB: arrayBuffersPeak / 2 ** 20,
      // CPU seconds of every thread (the reader worker, SQLite's and zlib's pool threads included).
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    }) + '\n',
  );
} finally {
  await closeApp(app);
}
