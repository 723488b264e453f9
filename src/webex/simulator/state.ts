import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

// Records hold what was asked and when; statuses are derived at read time (lifecycle.ts), so moving
// the clock (RTM_NOW) or restarting the simulator moves every customer along without a timer.

const addressSchema = z.looseObject({
  addressLine1: z.string(),
  addressLine2: z.string().optional(),
  city: z.string(),
  stateOrProvince: z.string().optional(),
  zipOrPostalCode: z.string().optional(),
  country: z.string(),
});

const provisioningParametersSchema = z.looseObject({
  calling: z
    .looseObject({
      location: z
        .looseObject({ name: z.string().optional(), address: addressSchema.optional() })
        .optional(),
    })
    .optional(),
  packages: z.looseObject({ limits: z.record(z.string(), z.number()).optional() }).optional(),
});

const customerSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  /** Assigned at creation (or given, for an existing org); shown only once provisioned. */
  orgId: z.string(),
  provisioningId: z.string().optional(),
  packages: z.array(z.string()),
  address: addressSchema,
  customerInfo: z.looseObject({ name: z.string().optional(), primaryEmail: z.string() }).optional(),
  provisioningParameters: provisioningParametersSchema.optional(),
  subPartnerAdminEmail: z.string().optional(),
  createdMs: z.number(),
  /** The last change asked for; it is in progress for `provisioningSeconds` after `startedMs`. */
  operation: z.object({
    kind: z.enum(['create', 'update', 'delete']),
    startedMs: z.number(),
    /** Calling was under maintenance when this operation ran: its calling packages end in error (2560) until a later PUT. */
    callingMaintenance: z.boolean().optional(),
  }),
  /** When the last RPL check was triggered: creation, or a change of billing address (R-RPL-1). */
  rplCheckMs: z.number(),
});

const subscriberSchema = z.object({
  id: z.string(),
  personId: z.string(),
  email: z.string(),
  customerId: z.string(),
  packages: z.array(z.string()),
  provisioningParameters: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(['provisioned', 'pending_user_migration']),
  createdMs: z.number(),
  lastStatusChangeMs: z.number(),
  /** When `packages` last changed (billing history); absent means since `createdMs`. */
  packagesSinceMs: z.number().optional(),
});

/** A span in which a subscriber held its packages, closed by a package change or a removal. */
const usageSpanSchema = z.object({
  subscriberId: z.string(),
  email: z.string(),
  packages: z.array(z.string()),
  customerId: z.string(),
  customerOrgId: z.string(),
  customerExternalId: z.string(),
  customerName: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
});

const billingReportSchema = z.object({
  id: z.string(),
  billingStartDate: z.string(),
  billingEndDate: z.string(),
  type: z.enum(['PARTNER', 'CUSTOMER', 'USER']),
  category: z.enum(['RECONCILIATION', 'POINT_IN_TIME']),
  subPartnerOrgId: z.string().optional(),
  createdMs: z.number(),
  /** GETs answered so far: the report is IN_PROGRESS for the first `billingReportPolls` of them. */
  polls: z.number(),
  /** Decided at creation (`billingReportsFail`): ends FAILED instead of COMPLETED. */
  fails: z.boolean(),
  /** The secret part of its tempDownloadURL. */
  downloadToken: z.string(),
});

const stateFileSchema = z.object({
  version: z.literal(1),
  customers: z.array(customerSchema),
  subscribers: z.array(subscriberSchema),
  // Both absent in state files written before billing reports (issue 22).
  closedUsage: z.array(usageSpanSchema).default([]),
  billingReports: z.array(billingReportSchema).default([]),
});

/** A billing or location address as Webex stores it. */
export type Address = z.infer<typeof addressSchema>;
/** `provisioningParameters` of a customer, as far as the simulator reads it; the rest is kept as sent. */
export type CustomerProvisioningParameters = z.infer<typeof provisioningParametersSchema>;
/** A customer as the simulator stores it. */
export type CustomerRecord = z.infer<typeof customerSchema>;
/** A subscriber as the simulator stores it. */
export type SubscriberRecord = z.infer<typeof subscriberSchema>;

/** A closed span of a subscriber's packages, kept for billing reports. */
export type UsageSpan = z.infer<typeof usageSpanSchema>;
/** A billing report as the simulator stores it; its status is derived from `polls` and `fails`. */
export type BillingReportRecord = z.infer<typeof billingReportSchema>;

/** Everything the simulated Webex knows; Maps keep creation order, which lists page in. */
export interface SimulatorState {
  customers: Map<string, CustomerRecord>;
  subscribers: SubscriberMap;
  /** Spans of packages that ended (changed or removed); live subscribers' current span is on the record. */
  closedUsage: UsageSpan[];
  billingReports: Map<string, BillingReportRecord>;
}

/**
 * Subscribers by id, also found by lower-cased email and by customer without a walk through all
 * of them: a create checks both, and Webex does not slow down as it fills. A record's email and
 * customer never change once stored; anything else on it may.
 */
export class SubscriberMap extends Map<string, SubscriberRecord> {
  readonly #byEmail = new Map<string, Set<string>>();
  readonly #byCustomer = new Map<string, Set<string>>();

  constructor(entries: Iterable<readonly [string, SubscriberRecord]> = []) {
    super();
    for (const [id, record] of entries) this.set(id, record);
  }

  override set(id: string, record: SubscriberRecord): this {
    // Map's own constructor calls set before the indexes exist; this one passes nothing to it.
    const old = this.get(id);
    const moved =
      !old ||
      old.customerId !== record.customerId ||
      old.email.toLowerCase() !== record.email.toLowerCase();
    if (moved) this.#unindex(id);
    super.set(id, record);
    if (moved) {
      add(this.#byEmail, record.email.toLowerCase(), id);
      add(this.#byCustomer, record.customerId, id);
    }
    return this;
  }

  override delete(id: string): boolean {
    this.#unindex(id);
    return super.delete(id);
  }

  override clear(): void {
    this.#byEmail.clear();
    this.#byCustomer.clear();
    super.clear();
  }

  /** The subscribers whose email is this one, compared without case (creation order). */
  withEmail(email: string): SubscriberRecord[] {
    return this.#records(this.#byEmail.get(email.toLowerCase()));
  }

  /** A customer's subscribers, in creation order. */
  ofCustomer(customerId: string): SubscriberRecord[] {
    return this.#records(this.#byCustomer.get(customerId));
  }

  #records(ids: Set<string> | undefined): SubscriberRecord[] {
    const out: SubscriberRecord[] = [];
    for (const id of ids ?? []) {
      const record = this.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  #unindex(id: string): void {
    const old = this.get(id);
    if (!old) return;
    remove(this.#byEmail, old.email.toLowerCase(), id);
    remove(this.#byCustomer, old.customerId, id);
  }
}

function add(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (ids) ids.add(id);
  else index.set(key, new Set([id]));
}

function remove(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}

/** A Webex with no customers. */
export function emptyState(): SimulatorState {
  return {
    customers: new Map(),
    subscribers: new SubscriberMap(),
    closedUsage: [],
    billingReports: new Map(),
  };
}

/** The JSON text a state is persisted as. */
export function renderState(state: SimulatorState): string {
  return JSON.stringify({
    version: 1,
    customers: [...state.customers.values()],
    subscribers: [...state.subscribers.values()],
    closedUsage: state.closedUsage,
    billingReports: [...state.billingReports.values()],
  });
}

/** Records rendered between two writes: a large state is saved without stopping the answers. */
const RECORDS_PER_WRITE = 500;

/**
 * The text of renderState, in pieces of a few hundred records: whoever writes them gives the event
 * loop back between pieces. The lists are taken when it starts; a record changed on the way is
 * written as it is then, and the change marks the state for the next write.
 */
export function* renderStateChunks(state: SimulatorState): Generator<string> {
  const lists = [
    ['customers', [...state.customers.values()]],
    ['subscribers', [...state.subscribers.values()]],
    ['closedUsage', [...state.closedUsage]],
    ['billingReports', [...state.billingReports.values()]],
  ] as const;
  yield '{"version":1';
  for (const [name, records] of lists) {
    yield `,${JSON.stringify(name)}:[`;
    for (let i = 0; i < records.length; i += RECORDS_PER_WRITE) {
      const piece = records.slice(i, i + RECORDS_PER_WRITE).map((r) => JSON.stringify(r));
      yield (i === 0 ? '' : ',') + piece.join(',');
    }
    yield ']';
  }
  yield '}';
}

/** A state from its JSON text, or the reasons it is not one. */
export function parseState(
  text: string,
): { state: SimulatorState; issues: [] } | { state: null; issues: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { state: null, issues: [`not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = stateFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      state: null,
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  return {
    state: {
      customers: new Map(parsed.data.customers.map((c) => [c.id, c])),
      subscribers: new SubscriberMap(parsed.data.subscribers.map((s) => [s.id, s] as const)),
      closedUsage: parsed.data.closedUsage,
      billingReports: new Map(parsed.data.billingReports.map((r) => [r.id, r])),
    },
    issues: [],
  };
}

/** Loads the state file; an empty state when it does not exist yet. */
export async function loadState(file: string): Promise<SimulatorState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const parsed = parseState(text);
  if (parsed.state === null) {
    throw new Error(
      `simulator state file ${file} is not simulator state (${parsed.issues.slice(0, 3).join('; ')}); ` +
        'move it away to start with an empty Webex',
    );
  }
  return parsed.state;
}

/** Writes the state file atomically: a reader sees the old or the new file, never half of one. */
export async function writeState(file: string, state: SimulatorState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    for (const piece of renderStateChunks(state)) await handle.write(piece, null, 'utf8');
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
