// Routes a request below /v1 to its operation, after checking its query against the spec.
import { fail, type Handler, type SimAnswer, type SimContext, type SimRequest } from './answers.ts';
import {
  createBillingReport,
  deleteBillingReport,
  getBillingReport,
  listBillingReports,
} from './billing-api.ts';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  precheckCustomer,
  updateCustomer,
} from './customer-api.ts';
import { customerStatusAt, type LifecyclePolicy } from './lifecycle.ts';
import { parseQuery, type SpecOperation } from './spec.ts';
import type { SimulatorState } from './state.ts';
import { closeUsageSpan } from './usage-history.ts';
import {
  createSubscriber,
  deleteSubscriber,
  getSubscriber,
  listSubscribers,
  precheckSubscriber,
  updateSubscriber,
} from './subscriber-api.ts';

interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, { op: SpecOperation; handle: Handler }>>;
}

// `validate` comes before `{id}`: otherwise POST .../validate would look like a method on a customer.
const ROUTES: Route[] = [
  {
    pattern: /^\/wholesale\/customers$/,
    methods: {
      GET: { op: 'get /wholesale/customers', handle: listCustomers },
      POST: { op: 'post /wholesale/customers', handle: createCustomer },
    },
  },
  {
    pattern: /^\/wholesale\/customers\/validate$/,
    methods: { POST: { op: 'post /wholesale/customers/validate', handle: precheckCustomer } },
  },
  {
    pattern: /^\/wholesale\/customers\/([^/]+)$/,
    methods: {
      GET: { op: 'get /wholesale/customers/{customerId}', handle: getCustomer },
      PUT: { op: 'put /wholesale/customers/{customerId}', handle: updateCustomer },
      DELETE: { op: 'delete /wholesale/customers/{customerId}', handle: deleteCustomer },
    },
  },
  {
    pattern: /^\/wholesale\/subscribers$/,
    methods: {
      GET: { op: 'get /wholesale/subscribers', handle: listSubscribers },
      POST: { op: 'post /wholesale/subscribers', handle: createSubscriber },
    },
  },
  {
    pattern: /^\/wholesale\/subscribers\/validate$/,
    methods: { POST: { op: 'post /wholesale/subscribers/validate', handle: precheckSubscriber } },
  },
  {
    pattern: /^\/wholesale\/subscribers\/([^/]+)$/,
    methods: {
      GET: { op: 'get /wholesale/subscribers/{subscriberId}', handle: getSubscriber },
      PUT: { op: 'put /wholesale/subscribers/{subscriberId}', handle: updateSubscriber },
      DELETE: { op: 'delete /wholesale/subscribers/{subscriberId}', handle: deleteSubscriber },
    },
  },
  {
    pattern: /^\/wholesale\/billing\/reports$/,
    methods: {
      GET: { op: 'get /wholesale/billing/reports', handle: listBillingReports },
      POST: { op: 'post /wholesale/billing/reports', handle: createBillingReport },
    },
  },
  {
    pattern: /^\/wholesale\/billing\/reports\/([^/]+)$/,
    methods: {
      GET: { op: 'get /wholesale/billing/reports/{id}', handle: getBillingReport },
      DELETE: { op: 'delete /wholesale/billing/reports/{id}', handle: deleteBillingReport },
    },
  },
];

/** Drops customers whose delete has finished, with their subscribers; true when any went. */
export function purgeGone(state: SimulatorState, nowMs: number, policy: LifecyclePolicy): boolean {
  let purged = false;
  for (const c of state.customers.values()) {
    if (c.operation.kind !== 'delete' || customerStatusAt(c, nowMs, policy) !== 'gone') continue;
    state.customers.delete(c.id);
    for (const s of state.subscribers.ofCustomer(c.id)) {
      closeUsageSpan(state, s, c, nowMs);
      state.subscribers.delete(s.id);
    }
    purged = true;
  }
  return purged;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is just an id that matches nothing: 404, not a crash
  }
}

/** Answers one request: route, query check, handler. */
export function handleRequest(ctx: SimContext, req: SimRequest): SimAnswer {
  const route = ROUTES.find((r) => r.pattern.test(req.path));
  if (route === undefined) {
    return { ...fail(404, [`No Webex Wholesale resource at ${req.path}.`]), operation: null };
  }
  const target = route.methods[req.method];
  if (target === undefined) {
    const allowed = Object.keys(route.methods).join(', ');
    return {
      ...fail(405, [`${req.method} is not allowed on ${req.path} (allowed: ${allowed}).`], {
        Allow: allowed,
      }),
      operation: null,
    };
  }
  const parsed = parseQuery(target.op, req.query);
  if (parsed.query === null) return { ...fail(400, parsed.issues), operation: target.op };
  const id = safeDecode(route.pattern.exec(req.path)?.[1] ?? '');
  return { ...target.handle(ctx, req, parsed.query, id), operation: target.op };
}
