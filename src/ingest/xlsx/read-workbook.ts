import { promises as fs } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ParsedSheet, SheetRow, WorkbookResult } from '../sheet.ts';
import { WORKBOOK_LIMITS, type WorkbookLimits } from './limits.ts';
import { HANDLED_INDEX, unpackRows, type WorkerInput, type WorkerMessage } from './protocol.ts';
import { SheetCollector, type SheetHead } from './sheet-collector.ts';
import { DAMAGED, readZipDirectory } from './zip-directory.ts';

export { WORKBOOK_LIMITS, type WorkbookLimits } from './limits.ts';

/** Where the rows of a workbook go as they are read; readWorkbook's sink keeps them all. */
export interface WorkbookSink {
  /**
   * A recognised sheet starts; its rows follow until the next one. `position`: its tab, from 0;
   * `last`: no other worksheet to read follows it.
   */
  sheet(head: SheetHead, position: number, last: boolean): void | Promise<void>;
  /** A batch of data rows of the latest sheet. The parse waits while a batch is being handled. */
  rows(rows: SheetRow[]): void | Promise<void>;
}

export type WorkbookOutcome =
  { ok: true; notes: string[] } | Extract<WorkbookResult, { ok: false }>;

type Failure = Extract<WorkbookResult, { ok: false }>;

/** Given only the old-generation limit, V8 shrinks the young one and parsing slows by a quarter. */
const YOUNG_GENERATION_MB = 32;
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');

/**
 * The worker's entry. Built (`dist/`, the installed command) it is the compiled parse-worker.js.
 * Run from the sources under tsx (tests, benchmarks) it is TypeScript: a worker does not inherit
 * the loader, so a small script loads tsx by absolute URL first, whatever the working directory.
 */
const WORKER_SCRIPT: { entry: string | URL; eval: boolean } = import.meta.url.endsWith('.ts')
  ? {
      entry: `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href)}); });`,
      eval: true,
    }
  : { entry: new URL('./parse-worker.js', import.meta.url), eval: false };

/**
 * Reads an .xlsx file: its customers and subscribers sheets, every data row with cell types and
 * flags, or the file-level code that refuses it. The zip index is checked first; the XML is parsed
 * in a worker thread bounded in memory and time (parse-worker.ts).
 */
export async function readWorkbook(
  file: string,
  opts: Partial<WorkbookLimits> = {},
): Promise<WorkbookResult> {
  const sheets: { sheet: ParsedSheet; position: number }[] = [];
  let current: ParsedSheet | null = null;
  const outcome = await readWorkbookInBatches(
    file,
    {
      sheet(head, position) {
        current = { ...head, rows: [] };
        sheets.push({ sheet: current, position });
      },
      rows(rows) {
        const target = (current as ParsedSheet | null)?.rows;
        if (target) for (const row of rows) target.push(row);
      },
    },
    opts,
  );
  if (!outcome.ok) return outcome;
  // Tab order, as the partner sees the workbook (the zip may store sheets in another order).
  sheets.sort((a, b) => a.position - b.position);
  return { ok: true, sheets: sheets.map((s) => s.sheet), notes: outcome.notes };
}

/**
 * readWorkbook without holding the rows: each batch goes to `sink` as it is parsed. Rows handed
 * over are provisional until the promise resolves with ok: a file refused late (a row limit, a
 * damaged part) resolves with its code after some batches were delivered.
 */
export async function readWorkbookInBatches(
  file: string,
  sink: WorkbookSink,
  opts: Partial<WorkbookLimits> = {},
): Promise<WorkbookOutcome> {
  const limits: WorkbookLimits = { ...WORKBOOK_LIMITS, ...opts };
  const sniffed = await sniff(file);
  if (sniffed) return sniffed;
  const zip = await readZipDirectory(file, limits);
  if (!zip.ok) return zip;
  if (!zip.entries.some((e) => e.name === 'xl/workbook.xml'))
    return {
      ok: false,
      code: 'FILE_FORMAT',
      message:
        'this zip file is not an Excel workbook (it has no xl/workbook.xml; an OpenDocument .ods or a Word file?): save it from Excel as .xlsx',
    };
  const handled = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  return runWorker({ file, limits, entries: zip.entries, handled }, sink);
}

/** The first bytes tell a workbook from an encrypted or legacy one, or from text named .xlsx. */
async function sniff(file: string): Promise<Failure | null> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0)
    return { ok: false, code: 'FILE_EMPTY', message: 'the file is empty (0 bytes)' };
  if (head.subarray(0, 8).equals(CFB_MAGIC))
    return {
      ok: false,
      code: 'FILE_FORMAT',
      message: 'password-protected workbook or legacy .xls: save as .xlsx without a password',
    };
  const magic = head.subarray(0, 4);
  if (magic.equals(ZIP_MAGIC) || magic.equals(EMPTY_ZIP_MAGIC)) return null;
  return {
    ok: false,
    code: 'FILE_FORMAT',
    message: head.includes(0)
      ? 'this file is not a workbook we read (neither .xlsx nor text): save it from Excel as .xlsx'
      : 'this file is named .xlsx but is not a workbook (it looks like text): name it .csv, or save it from Excel as .xlsx',
  };
}

/** Follows one parse: the worker's rows go through a collector per sheet, its output to the sink. */
class ParseSession {
  readonly notes: string[] = [];
  private collector: SheetCollector | null = null;
  private position = 0;
  private last = false;
  private announced: SheetCollector | null = null;
  private sheets = 0;

  constructor(
    private readonly sink: WorkbookSink,
    private readonly limits: WorkbookLimits,
  ) {}

  /** Handles one message; returns the outcome when the parse is over, else null. */
  async handle(message: WorkerMessage): Promise<WorkbookOutcome | null> {
    switch (message.t) {
      case 'sheet':
        this.collector = new SheetCollector(message.name, message.merges, this.limits);
        this.position = message.position;
        this.last = message.last;
        return null;
      case 'rows': {
        const sheet = this.collector as SheetCollector;
        for (const row of unpackRows(message.rows)) {
          const failure = sheet.add(row);
          if (failure) return failure;
        }
        await this.flush(sheet);
        return null;
      }
      case 'sheet-end': {
        const sheet = this.collector as SheetCollector;
        const failure = sheet.finish();
        if (failure) return failure;
        await this.flush(sheet);
        this.notes.push(...sheet.notes);
        this.collector = null;
        return null;
      }
      case 'note':
        this.notes.push(message.text);
        return null;
      case 'fail':
        return { ok: false, code: message.code, message: message.message };
      case 'done':
        return this.sheets > 0 ? { ok: true, notes: this.notes } : noSheet(this.notes);
      case 'ready':
        return null;
    }
  }

  /** The sink hears of a sheet once its header is recognised, then gets its rows batch by batch. */
  private async flush(sheet: SheetCollector): Promise<void> {
    if (!sheet.head) return;
    if (this.announced !== sheet) {
      this.announced = sheet;
      this.sheets++;
      await this.sink.sheet(sheet.head, this.position, this.last);
    }
    const rows = sheet.take();
    if (rows.length) await this.sink.rows(rows);
  }
}

function runWorker(input: WorkerInput, sink: WorkbookSink): Promise<WorkbookOutcome> {
  const { limits } = input;
  const handled = new Int32Array(input.handled);
  const worker = new Worker(WORKER_SCRIPT.entry, {
    eval: WORKER_SCRIPT.eval,
    workerData: input,
    resourceLimits: {
      maxOldGenerationSizeMb: limits.workerMemoryMb,
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
  });
  const session = new ParseSession(sink, limits);
  let ready = false;
  let timer: NodeJS.Timeout | undefined;

  const outcome = new Promise<WorkbookOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (value: WorkbookOutcome | Error): void => {
      if (settled) return;
      settled = true;
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    timer = setTimeout(
      () =>
        settle({
          ok: false,
          code: 'FILE_LIMIT',
          message: `the workbook took longer than ${formatDuration(limits.workerTimeLimitMs)} to read, the most we allow: split it into smaller files`,
        }),
      limits.workerTimeLimitMs,
    );
    // One message after another: a batch is in the sink before the next is looked at.
    let queue = Promise.resolve();
    worker.on('message', (message: WorkerMessage) => {
      if (message.t === 'ready') ready = true;
      queue = queue
        .then(async () => {
          if (settled) return;
          const done = await session.handle(message);
          if (done) settle(done);
          else if (message.t === 'rows') {
            Atomics.add(handled, HANDLED_INDEX, 1);
            Atomics.notify(handled, HANDLED_INDEX);
          }
        })
        .catch((err: unknown) => settle(err instanceof Error ? err : new Error(String(err))));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY')
        settle({
          ok: false,
          code: 'FILE_LIMIT',
          message: `reading the workbook needed more than the ${limits.workerMemoryMb} MB of memory we allow: split it into smaller files`,
        });
      // Before `ready` the worker did not even start: that is our failure, not the file's.
      else if (!ready) settle(err);
      else
        settle({
          ok: false,
          code: 'FILE_MALFORMED',
          message: `${DAMAGED} [${err.message.slice(0, 200)}]`,
        });
    });
    worker.on('exit', () => {
      void queue.then(() =>
        settle(
          ready
            ? {
                ok: false,
                code: 'FILE_MALFORMED',
                message: `${DAMAGED} [the reader stopped early]`,
              }
            : new Error('the workbook reader thread stopped before it started'),
        ),
      );
    });
  });
  return outcome.finally(async () => {
    clearTimeout(timer);
    // terminate() resolves once the thread has stopped: its temp files are closed before removal.
    await worker.terminate();
  });
}

function formatDuration(ms: number): string {
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} minutes`;
  return ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms / 1000} seconds`;
}

function noSheet(notes: readonly string[]): Failure {
  const hidden = notes.filter((n) => n.includes('is hidden'));
  return {
    ok: false,
    code: 'FILE_HEADER',
    message: [
      'no sheet of the workbook has a header row we recognise in its first rows: the first row should name the columns, for example External ID, Customer name',
      ...hidden.map((n) => `${n} (unhide it if it holds the data)`),
    ].join('; '),
  };
}
