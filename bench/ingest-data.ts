import { parse } from 'csv-parse';
import { once } from 'node:events';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importJob } from '../jobs/index.ts';
import { closeApp, openApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { runCompiledChild, seconds } from './harness.ts';

/** The generated partner data both ingest benchmarks read: one customers sheet, many users. */
export const CUSTOMERS = 1000;

/** A customers CSV every subscriber row can name, with limits no row reaches. */
export function customersCsv(): string {
  const lines = [
    'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Limit webex_meetings,Provisioning ID',
  ];
  for (let i = 0; i < CUSTOMERS; i++)
    lines.push(
      `cust-${i},Customer ${i},admin${i}@c${i}.example,${i} Main St,Austin,TX,78701,US,webex_meetings,100000000,P1`,
    );
  return lines.join('\n') + '\n';
}

export const SUBSCRIBER_HEADER = [
  'Customer external ID',
  'Email',
  'First name',
  'Last name',
  'Package',
  'Admin',
  'Phone number',
  'Extension',
];

/** Subscriber row i: a unique user and phone number, text with accents, one admin in 50. */
export function subscriberCells(i: number): string[] {
  const customer = i % CUSTOMERS;
  return [
    `cust-${customer}`,
    `user${i}@c${customer}.example`,
    `Name ${i}`,
    `São Paulo-${i}`,
    'webex_meetings',
    i % 50 === 0 ? 'yes' : 'no',
    `+1512${String(2_000_000 + (i % 8_000_000)).padStart(7, '0')}`,
    String(1000 + (i % 9000)),
  ];
}

/** The subscribers CSV of `rows` rows (subscriberCells), with a quoted name on every line. */
export async function writeSubscribersCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(SUBSCRIBER_HEADER.join(',') + '\n');
  for (let i = 0; i < rows; i++) {
    const cells = subscriberCells(i);
    cells[2] = `"${cells[2]}"`; // a quoted field on every line, as spreadsheets write names
    if (!out.write(cells.join(',') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The baseline of the CSV benchmarks: csv-parse alone streaming the file, every record counted. */
export async function csvParseAlone(file: string, rows: number): Promise<void> {
  let n = 0;
  for await (const _record of createReadStream(file).pipe(
    parse({ bom: true, record_delimiter: ['\r\n', '\n', '\r'] }),
  ))
    n++;
  if (n !== rows + 1) throw new Error(`csv-parse read ${n} records`);
}

/**
 * A workspace with the customers sheet imported in a run of its own; then `write(file)` writes the
 * subscribers file, `baseline(file)` times the library alone on it, a copy is dropped into the
 * inbox and imported alone, timed, and the baseline is timed once more. This machine's speed
 * drifts by a fifth from minute to minute: the baseline is the mean of the runs either side of the
 * import. Every row must be accepted.
 */
export async function measureImport(opts: {
  rows: number;
  extension: '.csv' | '.xlsx';
  write(file: string): Promise<void>;
  baseline(file: string): Promise<void>;
  /** The ledger, when not the workspace's SQLite file. */
  database?: { client: 'pg'; connection: string };
}): Promise<ImportFigures & { baselineSeconds: number; baselineRuns: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-ingest-'));
  try {
    const inbox = path.join(home, 'inbox', 'bench');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(
      path.join(home, 'rtm-batch.config.json'),
      JSON.stringify({
        inbox: { stableSeconds: 0 },
        ...(opts.database ? { database: opts.database } : {}),
      }),
    );
    writeFileSync(path.join(inbox, 'customers.csv'), customersCsv());
    const file = path.join(home, `subscribers-source${opts.extension}`);
    await opts.write(file);
    const before = await seconds(() => opts.baseline(file));

    const loaded = loadConfig({ home, env: {}, cwd: home });
    if (!loaded.config) throw new Error(loaded.errors.join('\n'));
    const app = await openApp(loaded.config, { quiet: true });
    const run = { dryRun: false, partner: null, signal: new AbortController().signal };
    try {
      await importJob(app, run);
      copyFileSync(file, path.join(inbox, `subscribers${opts.extension}`));
    } finally {
      await closeApp(app);
    }
    // The measured import runs in a process of its own: its peak RSS is the import's alone.
    const measured = await importInChild(home);
    if (measured.accepted !== opts.rows)
      throw new Error(`import accepted ${measured.accepted} of ${opts.rows} rows`);
    const after = await seconds(() => opts.baseline(file));
    return {
      ...measured,
      baselineSeconds: (before + after) / 2,
      baselineRuns: `${before.toFixed(2)}+${after.toFixed(2)}`,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What bench/import-child.ts measures of the import in its own process. */
export interface ImportFigures {
  importSeconds: number;
  accepted: number;
  peakRssMB: number;
  /** CPU seconds of every thread (the reader worker, SQLite's and zlib's pool threads included). */
  cpuSeconds: number;
  /** RSS before the import: node and our modules. */
  rssBeforeMB: number;
  /** The main thread's heap (V8's heapTotal) and its buffers outside the heap, at their peaks. */
  mainHeapPeakMB: number;
  mainArrayBuffersPeakMB: number;
  mainExternalPeakMB: number;
  /** The kernel's split of the resident memory at its peaks: anonymous (every thread's heaps and
   * malloc arenas, SQLite's caches and sorts included), mapped files, shared memory. */
  rssAnonPeakMB: number;
  rssFilePeakMB: number;
  rssShmemPeakMB: number;
}

/** The figures of an import that the benchmarks print beside rows/s and the peak RSS. */
export function importDetails(f: ImportFigures): Record<string, string> {
  return {
    importSeconds: f.importSeconds.toFixed(2),
    importCpuSeconds: f.cpuSeconds.toFixed(2),
    rssBeforeMB: f.rssBeforeMB.toFixed(0),
    mainHeapPeakMB: f.mainHeapPeakMB.toFixed(0),
    mainArrayBuffersPeakMB: f.mainArrayBuffersPeakMB.toFixed(0),
    mainExternalPeakMB: f.mainExternalPeakMB.toFixed(0),
    rssAnonPeakMB: f.rssAnonPeakMB.toFixed(0),
    rssFilePeakMB: f.rssFilePeakMB.toFixed(0),
  };
}

function importInChild(home: string): Promise<ImportFigures> {
  return runCompiledChild('import-child.js', [home]) as Promise<ImportFigures>;
}
