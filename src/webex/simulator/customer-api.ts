// The customer operations of the simulated API.
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
import {
  customerStatusAt,
  isBusy,
  operationEndsMs,
  showsOrgId,
  type CustomerStatus,
} from './lifecycle.ts';
import { retryAfterSeconds } from './rate-limit.ts';
import { validateRequestBody } from './spec.ts';
import type { CustomerRecord } from './state.ts';
import { addressChanged, pickAddress, renderCustomer } from './views.ts';
import {
  checkCustomerCreate,
  checkCustomerPrecheck,
  checkCustomerUpdate,
  type CustomerBody,
} from './webex-rules.ts';

function busy(c: CustomerRecord, status: CustomerStatus, ctx: SimContext): HandlerAnswer {
  const wait = retryAfterSeconds(operationEndsMs(c, ctx.policy) - ctx.nowMs);
  return fail(423, [`Customer ${c.id} is ${status}; retry once its status is final.`], {
    'Retry-After': String(wait),
  });
}

function customerUrl(ctx: SimContext, id: string): string {
  return `${ctx.baseUrl}/wholesale/customers/${id}`;
}

/** GET /wholesale/customers: filters externalId, orgId, status; paged. */
export const listCustomers: Handler = (ctx, req, query) => {
  const statuses = query.status as string[] | undefined;
  const matching: CustomerRecord[] = [];
  for (const c of ctx.state.customers.values()) {
    const status = customerStatusAt(c, ctx.nowMs, ctx.policy);
    if (status === 'gone') continue;
    if (query.externalId !== undefined && c.externalId !== query.externalId) continue;
    // An orgId that is not shown yet cannot be searched for either.
    if (query.orgId !== undefined && (c.orgId !== query.orgId || !showsOrgId(status))) continue;
    if (statuses !== undefined && !statuses.includes(status)) continue;
    matching.push(c);
  }
  // Render only the page: statuses are cheap, full views of every customer are not.
  const { items, next } = page(matching, query, LIST_POLICY.customers);
  const views = items
    .map((c) => renderCustomer(c, ctx.nowMs, ctx.policy))
    .filter((v) => v !== null);
  return ok(200, { items: views }, linkHeader(ctx, req, next));
};

/** GET /wholesale/customers/{customerId}. */
export const getCustomer: Handler = (ctx, _req, query, id) => {
  const c = ctx.state.customers.get(id);
  const view =
    c && renderCustomer(c, ctx.nowMs, ctx.policy, query.includePackageLicenseInfo === true);
  return view ? ok(200, view) : customerNotFound(id);
};

/** POST /wholesale/customers: 202 and provisioning starts. */
export const createCustomer: Handler = (ctx, req) => {
  const schemaIssues = validateRequestBody('post /wholesale/customers', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const body = req.body as CustomerBody & {
    externalId: string;
    address: NonNullable<CustomerBody['address']>;
  };
  const ruleIssues = checkCustomerCreate(body);
  if (ruleIssues.length > 0) return fail(400, ruleIssues);
  // Like Webex, externalId is not unique: a second POST makes a second customer.
  const record: CustomerRecord = {
    id: webexId('ENTERPRISE'),
    externalId: body.externalId,
    orgId: body.orgId ?? webexId('ORGANIZATION'),
    provisioningId: body.provisioningId,
    packages: [...new Set(body.packages)],
    address: pickAddress(body.address),
    customerInfo: body.customerInfo,
    provisioningParameters: body.provisioningParameters,
    subPartnerAdminEmail: body.subPartnerAdminEmail,
    createdMs: ctx.nowMs,
    // The maintenance in force now decides this operation's end (2560 until a later PUT retries it).
    operation: {
      kind: 'create',
      startedMs: ctx.nowMs,
      callingMaintenance: ctx.policy.callingMaintenance,
    },
    rplCheckMs: ctx.nowMs,
  };
  ctx.state.customers.set(record.id, record);
  const url = customerUrl(ctx, record.id);
  return ok(202, { url }, { Location: url }, { changed: true, customerCreated: record.externalId });
};

/** PUT /wholesale/customers/{customerId}: 202 and updating starts. */
export const updateCustomer: Handler = (ctx, req, _query, id) => {
  const live = liveCustomer(ctx, id);
  if (live === null) return customerNotFound(id);
  const schemaIssues = validateRequestBody('put /wholesale/customers/{customerId}', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const { c, status } = live;
  if (isBusy(status)) return busy(c, status, ctx);
  const body = req.body as CustomerBody;
  const ruleIssues = checkCustomerUpdate(body, c, packagesHeld(ctx.state, c.id));
  if (ruleIssues.length > 0) return fail(400, ruleIssues);
  // PUT replaces the whole package list (domain §3); a new billing address is checked again (R-RPL-1).
  c.packages = [...new Set(body.packages)];
  if (body.externalId !== undefined) c.externalId = body.externalId;
  if (body.address !== undefined && addressChanged(c.address, body.address)) {
    c.address = pickAddress(body.address);
    c.rplCheckMs = ctx.nowMs;
  }
  if (body.provisioningParameters !== undefined)
    c.provisioningParameters = body.provisioningParameters;
  if (body.subPartnerAdminEmail !== undefined) c.subPartnerAdminEmail = body.subPartnerAdminEmail;
  c.operation = {
    kind: 'update',
    startedMs: ctx.nowMs,
    callingMaintenance: ctx.policy.callingMaintenance,
  };
  const url = customerUrl(ctx, c.id);
  return ok(202, { url }, { Location: url }, { changed: true });
};

/** DELETE /wholesale/customers/{customerId}: 202 and deleting starts. */
export const deleteCustomer: Handler = (ctx, _req, _query, id) => {
  const live = liveCustomer(ctx, id);
  if (live === null) return customerNotFound(id);
  if (isBusy(live.status)) return busy(live.c, live.status, ctx);
  live.c.operation = { kind: 'delete', startedMs: ctx.nowMs };
  return ok(202, undefined, undefined, { changed: true });
};

/** POST /wholesale/customers/validate. */
export const precheckCustomer: Handler = (_ctx, req) => {
  const schemaIssues = validateRequestBody('post /wholesale/customers/validate', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const ruleIssues = checkCustomerPrecheck(req.body as Partial<CustomerBody>);
  return ruleIssues.length > 0 ? fail(400, ruleIssues) : ok(200, precheckPassed);
};
