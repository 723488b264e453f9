// Remote precheck (issue 5, partner config `precheck: true`): accepted rows are sent to Webex's
// POST /wholesale/{customers,subscribers}/validate before they are staged. The bodies and the
// reading of answers are pure; `sendPrechecks` is the one shell here, and it talks to Webex only
// through the WebexPort it is given (the partner's rate-limited client).
import type { Locale } from '../config/index.ts';
import {
  AuthError,
  WebexCallError,
  type CustomerBody,
  type PrecheckResult,
  type SubscriberBody,
  type WebexPort,
} from '../webex/index.ts';
import { customerCreateBody, subscriberCreateBody } from '../provision/index.ts';
import { renderPrecheckNote, type PrecheckStop } from '../results/index.ts';
import {
  makeIssue,
  type CustomerDesired,
  type RowIssue,
  type SubscriberDesired,
} from '../rules/index.ts';

/** Precheck `infoCode` for "passed" (domain.md §3); any other info code is said to the partner. */
export const PRECHECK_PASSED_CODE = 100;

/** Calls started together; the client's own limiter and concurrency cap pace them. */
export const PRECHECK_BATCH = 200;

/** Webex error codes that are about one column of the row. */
const ERROR_COLUMNS: Record<'customer' | 'subscriber', Record<number, string>> = {
  customer: { 10022: 'primary_email' },
  subscriber: { 10022: 'email' },
};

/** One accepted upsert row to precheck: `row` is the row number its sheet shows. */
export type PrecheckEntry =
  | { kind: 'customer'; row: number; desired: CustomerDesired }
  | { kind: 'subscriber'; row: number; desired: SubscriberDesired };

/** What the bodies need beyond the rows. */
export interface PrecheckLookup {
  /** Webex ids of the partner's customers that exist in Webex, by externalId (ledger `webexId`). */
  webexCustomerIds?: ReadonlyMap<string, string>;
  /** Customers by externalId (the ledger's and this run's): a subscriber of a customer not yet in
   *  Webex is checked with that customer's provisioningId and primary email. */
  customers?: ReadonlyMap<string, CustomerDesired>;
}

export interface PrecheckOptions extends PrecheckLookup {
  signal?: AbortSignal;
  batchSize?: number;
}

/** What the precheck of one partner's rows found. */
export interface PrecheckReport {
  /** Issues per entry, in the entries' order: PRECHECK_REJECTED (refuses), PRECHECK_INFO (does
   *  not), CUSTOMER_REJECTED for a user whose customer the precheck refused. */
  issues: RowIssue[][];
  /** Entries Webex answered. */
  checked: number;
  /** Entries that go on without a remote check. */
  unchecked: number;
  /** Why the precheck stopped early, if it did; render with `renderPrecheckNote`. */
  stopped: PrecheckStop | null;
}

/**
 * POST /wholesale/customers/validate body of an accepted customer: the create body provisioning
 * sends (customerCreateBody), less what the validate schema does not take (customerInfo's
 * language, an absent provisioningId).
 */
export function precheckCustomerBody(
  d: CustomerDesired,
): Partial<CustomerBody> & Pick<CustomerBody, 'address'> {
  const { provisioningId, customerInfo, ...body } = customerCreateBody(d);
  return {
    ...(provisioningId ? { provisioningId } : {}),
    ...body,
    ...(customerInfo
      ? { customerInfo: { name: customerInfo.name, primaryEmail: customerInfo.primaryEmail } }
      : {}),
  };
}

/**
 * POST /wholesale/subscribers/validate body: the create body provisioning sends
 * (subscriberCreateBody), with the customer's Webex id when it exists there, else with its
 * provisioningId and primary email (the spec's variant for a customer to come).
 */
export function precheckSubscriberBody(
  d: SubscriberDesired,
  lookup: PrecheckLookup = {},
): Partial<SubscriberBody> & Pick<SubscriberBody, 'email'> {
  const webexId = lookup.webexCustomerIds?.get(d.customerExternalId);
  const customer = lookup.customers?.get(d.customerExternalId);
  const { customerId: _none, ...created } = subscriberCreateBody(d, '');
  const body: Partial<SubscriberBody> & { email: string } & Record<string, unknown> = created;
  if (webexId) body.customerId = webexId;
  else if (customer) {
    if (customer.provisioningId) body.provisioningId = customer.provisioningId;
    if (customer.primaryEmail) body.customerInfo = { primaryEmail: customer.primaryEmail };
  }
  return body;
}

/** Webex's answer as issues: each error refuses the row, info codes other than 100 are said. */
export function planPrecheckIssues(
  kind: 'customer' | 'subscriber',
  result: PrecheckResult,
): RowIssue[] {
  const trackingId = result.trackingId ?? '';
  const issues: RowIssue[] = [];
  for (const e of result.errors) {
    const column = e.errorCode === undefined ? null : (ERROR_COLUMNS[kind][e.errorCode] ?? null);
    issues.push(
      makeIssue('PRECHECK_REJECTED', column, null, {
        entity: kind,
        description: e.description ?? '',
        ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
        trackingId,
      }),
    );
  }
  for (const i of result.infos) {
    if (i.infoCode === PRECHECK_PASSED_CODE) continue;
    issues.push(
      makeIssue('PRECHECK_INFO', null, null, {
        description: i.description ?? '',
        ...(i.infoCode === undefined ? {} : { infoCode: i.infoCode }),
        trackingId,
      }),
    );
  }
  return issues;
}

type Sent = { ok: true; result: PrecheckResult } | { ok: false; error: WebexCallError };

/**
 * Prechecks one partner's accepted rows: customers first, then users (a user whose customer the
 * precheck refused is refused too, without a call). Calls go out a batch at a time so the client
 * keeps its concurrency busy. Webex being unreachable (after the client's retries) or refusing
 * the token never refuses a row: the precheck stops, the rest go on unchecked, and `stopped` says
 * why. Errors that are not Webex's (bugs) are thrown.
 */
export async function sendPrechecks(
  port: WebexPort,
  entries: readonly PrecheckEntry[],
  opts: PrecheckOptions = {},
): Promise<PrecheckReport> {
  const batch = Math.max(1, opts.batchSize ?? PRECHECK_BATCH);
  const issues: RowIssue[][] = entries.map(() => []);
  const refusedCustomers = new Map<string, number>();
  let checked = 0;
  let stopped: PrecheckStop | null = null;

  const send = async (entry: PrecheckEntry): Promise<Sent> => {
    try {
      const result =
        entry.kind === 'customer'
          ? await port.precheckCustomer(precheckCustomerBody(entry.desired))
          : await port.precheckSubscriber(precheckSubscriberBody(entry.desired, opts));
      return { ok: true, result };
    } catch (err) {
      if (err instanceof WebexCallError) return { ok: false, error: err };
      throw err;
    }
  };

  for (const kind of ['customer', 'subscriber'] as const) {
    const todo: number[] = [];
    entries.forEach((entry, i) => {
      if (entry.kind !== kind || entry.desired.action !== 'upsert') return;
      const customerRow =
        entry.kind === 'subscriber'
          ? refusedCustomers.get(entry.desired.customerExternalId)
          : undefined;
      if (customerRow !== undefined && entry.kind === 'subscriber')
        issues[i]?.push(
          makeIssue('CUSTOMER_REJECTED', 'customer_external_id', entry.desired.customerExternalId, {
            customerRow,
          }),
        );
      else todo.push(i);
    });
    for (let start = 0; start < todo.length; start += batch) {
      if (stopped || opts.signal?.aborted) break;
      const slice = todo.slice(start, start + batch);
      const answers = await Promise.all(slice.map((i) => send(entries[i] as PrecheckEntry)));
      for (const [n, answer] of answers.entries()) {
        const i = slice[n] as number;
        const entry = entries[i] as PrecheckEntry;
        if (!answer.ok) {
          // The first failure decides the note; an auth failure outranks an unreachable one.
          const reason = answer.error instanceof AuthError ? 'auth' : 'unreachable';
          if (!stopped || (reason === 'auth' && stopped.reason !== 'auth'))
            stopped = {
              reason,
              unchecked: 0,
              detail: describeFailure(answer.error),
              trackingId: answer.error.info.trackingId,
            };
          continue;
        }
        checked += 1;
        const found = planPrecheckIssues(entry.kind, answer.result);
        issues[i]?.push(...found);
        if (entry.kind === 'customer' && found.some((x) => x.code === 'PRECHECK_REJECTED'))
          refusedCustomers.set(entry.desired.externalId, entry.row);
      }
    }
  }
  const upserts = entries.filter((e) => e.desired.action === 'upsert').length;
  const cascaded = issues.filter((list) => list.some((x) => x.code === 'CUSTOMER_REJECTED')).length;
  const unchecked = upserts - checked - cascaded;
  return { issues, checked, unchecked, stopped: stopped ? { ...stopped, unchecked } : null };
}

function describeFailure(err: WebexCallError): string {
  const status = err.info.status === null ? '' : `HTTP ${err.info.status}: `;
  return `${status}${err.info.description}`;
}

/** The summary note of a precheck that stopped early, in the report's locale; null if it did not. */
export function precheckNote(
  partner: string,
  report: PrecheckReport,
  locale: Locale,
): string | null {
  return report.stopped ? renderPrecheckNote(partner, report.stopped, locale) : null;
}
