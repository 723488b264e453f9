import type { ReconcileLine } from '../reports/index.ts';
import { readSubscriberPages, type CustomerRow, type Tx } from '../store/index.ts';
import type { WebexCustomer, WebexPort, WebexSubscriber } from '../webex/index.ts';
import { countLine, type ReconcileTotals } from './check-reconcile-totals.ts';
import {
  compareLines,
  diffCustomers,
  diffSubscriberBatch,
  webexCustomerIdOf,
  type CustomerView,
  type LedgerPartner,
  type LedgerSubscriber,
} from './diff-reconciliation.ts';

/** The Webex calls reconciliation makes: every customer, then each customer's subscribers. */
export type ReconcileSource = Pick<WebexPort, 'listCustomers' | 'listSubscribers'>;

/** Customers whose subscribers are being listed at once: keeps the paced client busy, memory bounded. */
export const RECONCILE_PREFETCH = 8;

/** One view to reconcile: its partners with their ledger customers (subscribers are read in pages). */
export interface ViewToReconcile {
  partners: readonly (Omit<LedgerPartner, 'subscribers'> & { customers: readonly CustomerRow[] })[];
}

/**
 * One view's lines, streamed: its customers first (held whole: thousands), then its subscribers
 * customer by customer, a sorted merge of the ledger read in (partner, customer, email) pages
 * with each Webex customer's subscribers listed by customer id, then the subscribers of Webex
 * customers the ledger does not hold. Memory holds one ledger page and a few customers'
 * subscribers, whatever the size. Adds every line to `totals`.
 */
export async function* streamViewLines(
  db: Tx,
  source: ReconcileSource,
  view: ViewToReconcile,
  totals: ReconcileTotals,
  options: { signal?: AbortSignal; pageRows?: number } = {},
): AsyncGenerator<ReconcileLine> {
  const { signal } = options;
  const reported = new Set(view.partners.filter((p) => p.reported).map((p) => p.id));
  const webexCustomers = await source.listCustomers();
  if (totals.webex !== null) totals.webex += webexCustomers.length;
  const customers = diffCustomers(view.partners, webexCustomers);
  for (const p of view.partners) if (p.reported) totals.ledger += p.customers.length;
  for (const line of customers.lines.sort(compareLines)) {
    countLine(totals, line);
    yield line;
  }

  const listed = new Set<string>();
  /** A customer's Webex subscribers, each Webex customer listed once (its records on one line each). */
  const listOnce = (customerId: string | null): Promise<WebexSubscriber[]> => {
    if (customerId === null || listed.has(customerId)) return Promise.resolve([]);
    listed.add(customerId);
    return source.listSubscribers({ customerId });
  };
  const batches = mergeBatches(
    customers.view,
    listOnce,
    readGroups(db, view, reported, totals, options.pageRows),
  );
  for await (const lines of prefetched(batches, RECONCILE_PREFETCH)) {
    if (signal?.aborted) return;
    for (const line of lines) {
      countLine(totals, line);
      yield line;
    }
  }

  // Webex customers the ledger has no subscriber under: orphans, the partner's own org, or a
  // ledger customer whose users were all added in Webex.
  const rest = [...customers.view.webexCustomers.values()]
    .map((w: WebexCustomer) => w.id)
    .filter((id) => !listed.has(id))
    .sort();
  function* restBatches() {
    for (const id of rest) yield { ledger: [], webex: listOnce(id) };
  }
  for await (const lines of prefetched(diffed(customers.view, restBatches()), RECONCILE_PREFETCH)) {
    if (signal?.aborted) return;
    for (const line of lines) {
      countLine(totals, line);
      yield line;
    }
  }

  function count(records: WebexSubscriber[]): WebexSubscriber[] {
    if (totals.webex !== null) totals.webex += records.length;
    return records;
  }
  async function* diffed(
    v: CustomerView,
    source:
      | AsyncIterable<{ ledger: LedgerSubscriber[]; webex: Promise<WebexSubscriber[]> }>
      | Iterable<{ ledger: LedgerSubscriber[]; webex: Promise<WebexSubscriber[]> }>,
  ): AsyncGenerator<Pending<ReconcileLine[]>> {
    for await (const b of source) {
      yield {
        pending: b.webex.then((records) => diffSubscriberBatch(v, b.ledger, count(records))),
      };
    }
  }
  async function* mergeBatches(
    v: CustomerView,
    list: (customerId: string | null) => Promise<WebexSubscriber[]>,
    groups: AsyncIterable<LedgerSubscriber[]>,
  ): AsyncGenerator<Pending<ReconcileLine[]>> {
    async function* withWebex() {
      for await (const group of groups) {
        const customerId =
          group.map((s) => webexCustomerIdOf(v, s)).find((id) => id !== null) ?? null;
        yield { ledger: group, webex: list(customerId) };
      }
    }
    yield* diffed(v, withWebex());
  }
}

/** The ledger subscribers of a view, one (partner, customer) group at a time, in key order. */
async function* readGroups(
  db: Tx,
  view: ViewToReconcile,
  reported: ReadonlySet<string>,
  totals: ReconcileTotals,
  pageRows?: number,
): AsyncGenerator<LedgerSubscriber[]> {
  let group: LedgerSubscriber[] = [];
  const ids = view.partners.map((p) => p.id);
  for await (const page of readSubscriberPages(db, ids, pageRows)) {
    for (const row of page) {
      if (reported.has(row.partnerId)) totals.ledger += 1;
      const first = group[0];
      if (
        first &&
        (first.partner !== row.partnerId || first.row.customerExternalId !== row.customerExternalId)
      ) {
        yield group;
        group = [];
      }
      group.push({ partner: row.partnerId, row });
    }
  }
  if (group.length > 0) yield group;
}

/** A promise in a box: an async generator would wait for a promise it yields bare. */
interface Pending<T> {
  pending: Promise<T>;
}

/**
 * Runs up to `window` of the batches' Webex listings at once and hands their lines back in
 * order. A listing that fails is thrown where its turn comes, never left unhandled.
 */
async function* prefetched<T>(
  source: AsyncIterable<Pending<T>>,
  window: number,
): AsyncGenerator<T> {
  const queue: Promise<T>[] = [];
  for await (const { pending } of source) {
    pending.catch(() => undefined);
    queue.push(pending);
    if (queue.length >= window) yield await (queue.shift() as Promise<T>);
  }
  while (queue.length > 0) yield await (queue.shift() as Promise<T>);
}
