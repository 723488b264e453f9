// readBillingUserReportBatches in a worker thread: the CSV parse is most of a comparison's work,
// and in a thread of its own it runs while this one reads the ledger and indexes the users (two
// cores). Lines come back as JSON with their repeated text sent once (user-report-protocol.ts).
import { Worker } from 'node:worker_threads';
import type { BillingUserLine } from '../store/index.ts';
import { BillingReportError } from './read-billing-report.ts';
import { MAX_CHUNKS_IN_FLIGHT, type FromWorker, type ToWorker } from './user-report-protocol.ts';

/** What the comparison takes of a USER report's line. */
export type BilledLine = Pick<
  BillingUserLine,
  'email' | 'package' | 'customerOrgId' | 'customerExternalId'
>;

// Under tsx (tests, benchmarks) the worker loads the TypeScript source through tsx; built, the .js.
const WORKER_SCRIPT: { entry: string | URL; eval: boolean } = import.meta.url.endsWith('.ts')
  ? {
      entry: `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./user-report-worker.ts', import.meta.url).href)}); });`,
      eval: true,
    }
  : { entry: new URL('./user-report-worker.js', import.meta.url), eval: false };

/** A young generation this size keeps the parse's short-lived records out of repeated collections. */
const YOUNG_GENERATION_MB = 32;

/**
 * The lines of a USER report in batches, read by a worker thread as the bytes stream in. Throws
 * BillingReportError as readBillingUserReportBatches does (same messages, same line numbers).
 */
export async function* readUserReportInWorker(
  input: AsyncIterable<unknown>,
): AsyncGenerator<BilledLine[]> {
  const worker = new Worker(WORKER_SCRIPT.entry, {
    eval: WORKER_SCRIPT.eval,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) =>
    worker.postMessage(message, transfer);
  const inbox: Exclude<FromWorker, { t: 'took' }>[] = [];
  const state: { stopped: boolean; crashed: Error | null; chunksInFlight: number } = {
    stopped: false,
    crashed: null,
    chunksInFlight: 0,
  };
  let wakeReader: (() => void) | null = null;
  let wakeFeeder: (() => void) | null = null;
  const wake = () => {
    const [reader, feeder] = [wakeReader, wakeFeeder];
    wakeReader = wakeFeeder = null;
    reader?.();
    feeder?.();
  };
  worker.on('message', (message: FromWorker) => {
    if (message.t === 'took') state.chunksInFlight -= 1;
    else inbox.push(message);
    wake();
  });
  worker.on('error', (err: Error) => {
    state.crashed = err;
    wake();
  });
  worker.on('exit', () => {
    state.crashed ??= new Error('the billing report reader thread stopped before the report ended');
    wake();
  });

  // The bytes go to the worker as they arrive, a few chunks ahead of its parse at most.
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        if (state.stopped) return;
        const view = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
        // A copy of the chunk alone (a Buffer may be a slice of a larger pool), handed over.
        const bytes = new Uint8Array(view);
        post({ t: 'bytes', chunk: bytes }, [bytes.buffer]);
        state.chunksInFlight += 1;
        while (state.chunksInFlight >= MAX_CHUNKS_IN_FLIGHT && !state.stopped)
          await new Promise<void>((resolve) => (wakeFeeder = resolve));
      }
      if (!state.stopped) post({ t: 'end' });
    } catch (err) {
      if (!state.stopped) post({ t: 'abort', message: (err as Error).message });
    }
  })();

  const names: string[] = [];
  const name = (id: number) => (id < 0 ? null : (names[id] as string));
  try {
    for (;;) {
      const message = inbox.shift();
      if (message === undefined) {
        if (state.crashed !== null) throw state.crashed;
        await new Promise<void>((resolve) => (wakeReader = resolve));
        continue;
      }
      if (message.t === 'done') return;
      if (message.t === 'fail')
        throw message.code === null
          ? new Error(message.message)
          : new BillingReportError(message.code, message.message);
      for (const n of message.names) names.push(n);
      const cells = JSON.parse(message.json) as (string | number)[];
      const lines: BilledLine[] = [];
      for (let i = 0; i < cells.length; i += 4)
        lines.push({
          email: cells[i] as string,
          package: names[cells[i + 1] as number] as string,
          customerOrgId: name(cells[i + 2] as number),
          customerExternalId: name(cells[i + 3] as number),
        });
      yield lines;
      // Handled: the worker may send another batch.
      post({ t: 'handled' });
    }
  } finally {
    state.stopped = true;
    wake();
    await worker.terminate();
    // A download the comparison stopped reading is closed; the feeder then ends.
    (input as { destroy?: () => void }).destroy?.();
    await feeding;
  }
}
