// The thread that reads a USER billing report (readUserReportInWorker): the CSV parse, which is
// most of a comparison's work, runs here while the main thread reads the ledger and indexes users.
import { parentPort } from 'node:worker_threads';
import { BillingReportError, readBillingUserReportBatches } from './read-billing-report.ts';
import { MAX_BATCHES_IN_FLIGHT, type FromWorker, type ToWorker } from './user-report-protocol.ts';

const port = parentPort as NonNullable<typeof parentPort>;
const send = (message: FromWorker) => port.postMessage(message);

// The report's bytes as they arrive; the parser pulls them.
const chunks: Uint8Array[] = [];
let ended = false;
let aborted: string | null = null;
let wakeReader: (() => void) | null = null;
// Batches sent and not handled yet, and who waits for one to be.
let inFlight = 0;
let wakeSender: (() => void) | null = null;

port.on('message', (message: ToWorker) => {
  if (message.t === 'bytes') chunks.push(message.chunk);
  else if (message.t === 'end') ended = true;
  else if (message.t === 'abort') aborted = message.message;
  else {
    inFlight -= 1;
    const wake = wakeSender;
    wakeSender = null;
    wake?.();
    return;
  }
  const wake = wakeReader;
  wakeReader = null;
  wake?.();
});

async function* bytes(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = chunks.shift();
    if (chunk !== undefined) {
      send({ t: 'took' });
      yield chunk;
      continue;
    }
    if (aborted !== null) throw new Error(aborted);
    if (ended) return;
    await new Promise<void>((resolve) => (wakeReader = resolve));
  }
}

/** Repeated text (packages, orgs, customers) sent once, then as its index. */
const ids = new Map<string, number>();
let fresh: string[] = [];
function idOf(text: string | null): number {
  if (text === null) return -1;
  let id = ids.get(text);
  if (id === undefined) {
    id = ids.size;
    ids.set(text, id);
    fresh.push(text);
  }
  return id;
}

async function main(): Promise<void> {
  try {
    for await (const batch of readBillingUserReportBatches(bytes())) {
      const cells: (string | number)[] = [];
      for (const r of batch)
        cells.push(r.email, idOf(r.package), idOf(r.customerOrgId), idOf(r.customerExternalId));
      while (inFlight >= MAX_BATCHES_IN_FLIGHT)
        await new Promise<void>((resolve) => (wakeSender = resolve));
      inFlight += 1;
      send({ t: 'lines', json: JSON.stringify(cells), names: fresh });
      fresh = [];
    }
    send({ t: 'done' });
  } catch (err) {
    send({
      t: 'fail',
      code: err instanceof BillingReportError ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

void main();
