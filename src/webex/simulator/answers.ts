// What every handler of the simulated API shares: request and answer shapes, paging, lookups.
import { customerStatusAt, type CustomerStatus, type LifecyclePolicy } from './lifecycle.ts';
import type { SpecOperation } from './spec.ts';
import type { CustomerRecord, SimulatorState } from './state.ts';
import type { WebexErrorItem } from './views.ts';

/** Page sizes of the list endpoints (subscribers: "up to 100 per page" in the spec). */
export const LIST_POLICY = {
  customers: { defaultMax: 100, maxMax: 1000 },
  subscribers: { defaultMax: 50, maxMax: 100 },
} as const;

/** A request as the handlers see it: path below `/v1`, body already parsed. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** Everything a handler reads besides the request. */
export interface SimContext {
  state: SimulatorState;
  policy: LifecyclePolicy;
  nowMs: number;
  /** Base URL of the API, e.g. http://127.0.0.1:PORT/v1, for Location and Link. */
  baseUrl: string;
  /** Lower-cased emails that answer 202 pending_user_migration. */
  pendingMigrationEmails: ReadonlySet<string>;
  /** Billing reports: GETs answered IN_PROGRESS, and whether they end FAILED. */
  billing: { pollsInProgress: number; fail: boolean };
}

/** What a handler changed, for the shell to persist and count. */
export interface SimEffects {
  changed: boolean;
  customerCreated?: string;
  subscriberCreated?: string;
}

/** A handler's answer; `errors` makes it a Webex error body once the shell adds the tracking id. */
export type SimAnswer = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  errors?: WebexErrorItem[];
  effects: SimEffects;
  operation: SpecOperation | null;
};

/** A handler's answer; the router adds the operation. */
export type HandlerAnswer = Omit<SimAnswer, 'operation'>;

/** One operation of the simulated API. */
export type Handler = (
  ctx: SimContext,
  req: SimRequest,
  query: Record<string, unknown>,
  id: string,
) => HandlerAnswer;

const UNCHANGED: SimEffects = { changed: false };

/** An error answer with Webex `errors` entries. */
export function fail(
  status: number,
  descriptions: string[] | WebexErrorItem[],
  headers?: Record<string, string>,
): HandlerAnswer {
  const errors = descriptions.map((d) => (typeof d === 'string' ? { description: d } : d));
  return { status, errors, effects: UNCHANGED, ...(headers ? { headers } : {}) };
}

/** A success answer. */
export function ok(
  status: number,
  body?: unknown,
  headers?: Record<string, string>,
  effects: SimEffects = UNCHANGED,
): HandlerAnswer {
  return {
    status,
    effects,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  };
}

/** The customer and its status now, or null when unknown or deleted. */
export function liveCustomer(
  ctx: SimContext,
  id: string,
): { c: CustomerRecord; status: CustomerStatus } | null {
  const c = ctx.state.customers.get(id);
  if (c === undefined) return null;
  const status = customerStatusAt(c, ctx.nowMs, ctx.policy);
  return status === 'gone' ? null : { c, status };
}

/** 404 for a customer id. */
export function customerNotFound(id: string): HandlerAnswer {
  return fail(404, [`Customer ${id} not found.`]);
}

/** Subscribers of a customer per package, leaving out one subscriber if given. */
export function packagesHeld(
  state: SimulatorState,
  customerId: string,
  except?: string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of state.subscribers.ofCustomer(customerId)) {
    if (s.id === except) continue;
    for (const p of s.packages) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return counts;
}

/** The slice of a list that `offset` and `max` ask for, and where the next page starts. */
export function page<T>(
  items: T[],
  query: Record<string, unknown>,
  policy: { defaultMax: number; maxMax: number },
) {
  const offset = (query.offset as number | undefined) ?? 0;
  const max = Math.min((query.max as number | undefined) ?? policy.defaultMax, policy.maxMax);
  return {
    items: items.slice(offset, offset + max),
    next: offset + max < items.length ? { offset: offset + max, max } : null,
  };
}

/** The RFC 5988 `Link: <…>; rel="next"` header, keeping the request's filters. */
export function linkHeader(
  ctx: SimContext,
  req: SimRequest,
  next: { offset: number; max: number } | null,
): Record<string, string> | undefined {
  if (next === null) return undefined;
  const url = new URL(`${ctx.baseUrl}${req.path}`);
  for (const [k, v] of req.query) if (k !== 'offset' && k !== 'max') url.searchParams.append(k, v);
  url.searchParams.set('offset', String(next.offset));
  url.searchParams.set('max', String(next.max));
  return { Link: `<${url.href}>; rel="next"` };
}

/** The answer of a passed precheck (infoCode 100). */
export const precheckPassed = {
  message: 'success',
  info: { infoCode: 100, description: 'Provisioning preCheck validation successful.' },
};
