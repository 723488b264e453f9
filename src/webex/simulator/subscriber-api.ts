// The subscriber operations of the simulated API.
import {
  customerNotFound,
  fail,
  linkHeader,
  liveCustomer,
  ok,
  packagesHeld,
  page,
  precheckPassed,
  LIST_POLICY,
  type Handler,
  type HandlerAnswer,
  type SimContext,
} from './answers.ts';
import { webexId } from './ids.ts';
import { acceptsSubscribers, type CustomerStatus } from './lifecycle.ts';
import { validateRequestBody } from './spec.ts';
import type { CustomerRecord, SimulatorState, SubscriberRecord } from './state.ts';
import { closeUsageSpan } from './usage-history.ts';
import { renderSubscriber } from './views.ts';
import {
  checkSubscriberPackages,
  subscriberPackagesOf,
  type SubscriberBody,
} from './webex-rules.ts';

/** Error code Webex gives when an email already belongs to a user (domain §3). */
export const EMAIL_TAKEN_CODE = 10022;

/** The key subscriber creates are counted under: customer id and lower-cased email. */
export function subscriberKey(customerId: string, email: string): string {
  return `${customerId}/${email.toLowerCase()}`;
}

function subscriberWithEmail(state: SimulatorState, email: string): SubscriberRecord | undefined {
  return state.subscribers.withEmail(email)[0];
}

function emailTaken(existing: SubscriberRecord, customerId: string | undefined): HandlerAnswer {
  const where =
    existing.customerId === customerId
      ? 'is already a subscriber of this customer'
      : 'already belongs to an existing user';
  return fail(409, [
    { errorCode: EMAIL_TAKEN_CODE, description: `User ${existing.email} ${where}.` },
  ]);
}

function parseInstant(name: string, value: unknown): number | string {
  const text = String(value);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isNaN(ms)
    ? `query parameter ${name} '${text}' is neither epoch milliseconds nor an ISO 8601 date`
    : ms;
}

/** GET /wholesale/subscribers: filters, sorting, pages of at most 100. */
export const listSubscribers: Handler = (ctx, req, query) => {
  const after = query.after === undefined ? null : parseInstant('after', query.after);
  const changedAfter =
    query.lastStatusChange === undefined
      ? null
      : parseInstant('lastStatusChange', query.lastStatusChange);
  const bad = [after, changedAfter].filter((v): v is string => typeof v === 'string');
  if (bad.length > 0) return fail(400, bad);
  const email = typeof query.email === 'string' ? query.email.toLowerCase() : undefined;
  const rows: Array<{ s: SubscriberRecord; c: CustomerRecord }> = [];
  // The narrowest index a filter allows; every filter is still applied below.
  const candidates =
    email !== undefined
      ? ctx.state.subscribers.withEmail(email)
      : typeof query.customerId === 'string'
        ? ctx.state.subscribers.ofCustomer(query.customerId)
        : ctx.state.subscribers.values();
  // A customer's status is worked out once per list, not once per subscriber.
  const customers = new Map<string, ReturnType<typeof liveCustomer>>();
  for (const s of candidates) {
    let live = customers.get(s.customerId);
    if (live === undefined) customers.set(s.customerId, (live = liveCustomer(ctx, s.customerId)));
    if (live === null) continue;
    if (query.customerId !== undefined && s.customerId !== query.customerId) continue;
    if (query.externalCustomerId !== undefined && live.c.externalId !== query.externalCustomerId)
      continue;
    if (email !== undefined && s.email.toLowerCase() !== email) continue;
    if (
      query.personId !== undefined &&
      (s.status !== 'provisioned' || s.personId !== query.personId)
    )
      continue;
    if (query.status !== undefined && s.status !== query.status) continue;
    if (typeof after === 'number' && s.createdMs <= after) continue;
    if (typeof changedAfter === 'number' && s.lastStatusChangeMs <= changedAfter) continue;
    rows.push({ s, c: live.c });
  }
  const key = query.sortBy === 'lastStatusChange' ? 'lastStatusChangeMs' : 'createdMs';
  const sign = query.sortOrder === 'DESC' ? -1 : 1;
  // Array sort is stable: equal timestamps keep creation order, so paging stays deterministic.
  // Creation order is usually the asked order already: then there is nothing to sort.
  const sorted = rows.every((r, i) => i === 0 || sign * (r.s[key] - rows[i - 1]!.s[key]) >= 0);
  if (!sorted) rows.sort((a, b) => sign * (a.s[key] - b.s[key]));
  const { items, next } = page(rows, query, LIST_POLICY.subscribers);
  return ok(
    200,
    { items: items.map((r) => renderSubscriber(r.s, r.c)) },
    linkHeader(ctx, req, next),
  );
};

function liveSubscriber(
  ctx: SimContext,
  id: string,
): { s: SubscriberRecord; c: CustomerRecord; status: CustomerStatus } | null {
  const s = ctx.state.subscribers.get(id);
  const live = s && liveCustomer(ctx, s.customerId);
  return s && live ? { s, ...live } : null;
}

function subscriberNotFound(id: string): HandlerAnswer {
  return fail(404, [`Subscriber ${id} not found.`]);
}

function notProvisioned(c: CustomerRecord, status: CustomerStatus): HandlerAnswer {
  return fail(400, [
    `Customer ${c.id} is not in provisioned state (status is ${status}); add subscribers once it is provisioned.`,
  ]);
}

/** GET /wholesale/subscribers/{subscriberId}. */
export const getSubscriber: Handler = (ctx, _req, _query, id) => {
  const live = liveSubscriber(ctx, id);
  return live ? ok(200, renderSubscriber(live.s, live.c)) : subscriberNotFound(id);
};

/** POST /wholesale/subscribers: 200 provisioned, or 202 pending_user_migration. */
export const createSubscriber: Handler = (ctx, req) => {
  const schemaIssues = validateRequestBody('post /wholesale/subscribers', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const body = req.body as SubscriberBody & { customerId: string; email: string };
  const asked = subscriberPackagesOf(body);
  if (asked.packages === null) return fail(400, [asked.issue]);
  const live = liveCustomer(ctx, body.customerId);
  if (live === null) return customerNotFound(body.customerId);
  const taken = subscriberWithEmail(ctx.state, body.email);
  if (taken !== undefined) return emailTaken(taken, body.customerId);
  if (!acceptsSubscribers(live.status)) return notProvisioned(live.c, live.status);
  const ruleIssues = checkSubscriberPackages(
    asked.packages,
    live.c,
    packagesHeld(ctx.state, live.c.id),
    body.provisioningParameters,
  );
  if (ruleIssues.length > 0) return fail(400, ruleIssues);
  const pending = ctx.pendingMigrationEmails.has(body.email.toLowerCase());
  const record: SubscriberRecord = {
    id: webexId('SUBSCRIBER'),
    personId: webexId('PEOPLE'),
    email: body.email,
    customerId: live.c.id,
    packages: asked.packages,
    provisioningParameters: body.provisioningParameters,
    status: pending ? 'pending_user_migration' : 'provisioned',
    createdMs: ctx.nowMs,
    lastStatusChangeMs: ctx.nowMs,
  };
  ctx.state.subscribers.set(record.id, record);
  const location = { Location: `${ctx.baseUrl}/wholesale/subscribers/${record.id}` };
  const effects = {
    changed: true,
    subscriberCreated: subscriberKey(record.customerId, record.email),
  };
  return ok(pending ? 202 : 200, renderSubscriber(record, live.c), location, effects);
};

/** PUT /wholesale/subscribers/{subscriberId}. */
export const updateSubscriber: Handler = (ctx, req, _query, id) => {
  const live = liveSubscriber(ctx, id);
  if (live === null) return subscriberNotFound(id);
  const schemaIssues = validateRequestBody('put /wholesale/subscribers/{subscriberId}', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const body = req.body as SubscriberBody;
  const asked = subscriberPackagesOf(body);
  if (asked.packages === null) return fail(400, [asked.issue]);
  if (!acceptsSubscribers(live.status)) return notProvisioned(live.c, live.status);
  // Number and extension stay from before unless given: they are only needed when moving to calling.
  const params = { ...live.s.provisioningParameters, ...body.provisioningParameters };
  const ruleIssues = checkSubscriberPackages(
    asked.packages,
    live.c,
    packagesHeld(ctx.state, live.c.id, id),
    params,
  );
  if (ruleIssues.length > 0) return fail(400, ruleIssues);
  if (!samePackages(live.s.packages, asked.packages)) {
    closeUsageSpan(ctx.state, live.s, live.c, ctx.nowMs);
    live.s.packagesSinceMs = ctx.nowMs;
  }
  live.s.packages = asked.packages;
  live.s.provisioningParameters = params;
  return ok(
    200,
    renderSubscriber(live.s, live.c),
    { Location: `${ctx.baseUrl}/wholesale/subscribers/${id}` },
    { changed: true },
  );
};

/** DELETE /wholesale/subscribers/{subscriberId}: 204. */
export const deleteSubscriber: Handler = (ctx, _req, _query, id) => {
  const live = liveSubscriber(ctx, id);
  if (live === null) return subscriberNotFound(id);
  closeUsageSpan(ctx.state, live.s, live.c, ctx.nowMs);
  ctx.state.subscribers.delete(id);
  return ok(204, undefined, undefined, { changed: true });
};

function samePackages(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p) => b.includes(p));
}

/** POST /wholesale/subscribers/validate. */
export const precheckSubscriber: Handler = (ctx, req) => {
  const schemaIssues = validateRequestBody('post /wholesale/subscribers/validate', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const body = req.body as SubscriberBody & { email: string };
  const taken = subscriberWithEmail(ctx.state, body.email);
  if (taken !== undefined) return emailTaken(taken, body.customerId);
  if (body.customerId === undefined) return ok(200, precheckPassed);
  const live = liveCustomer(ctx, body.customerId);
  if (live === null) return customerNotFound(body.customerId);
  if (body.package === undefined && body.packages === undefined) return ok(200, precheckPassed);
  const asked = subscriberPackagesOf(body);
  if (asked.packages === null) return fail(400, [asked.issue]);
  const ruleIssues = checkSubscriberPackages(
    asked.packages,
    live.c,
    packagesHeld(ctx.state, live.c.id),
    body.provisioningParameters,
  );
  return ruleIssues.length > 0 ? fail(400, ruleIssues) : ok(200, precheckPassed);
};
