import { expect } from 'chai';
import type { SimulatorConfig } from '../../src/config/index.ts';
import { createClock } from '../../src/clock/index.ts';
import {
  startSimulator,
  validateSpecSchema,
  type RunningSimulator,
  type SpecSchemaName,
} from '../../src/webex/simulator/index.ts';

/** A simulator that never limits, waits or fails, and has customers provisioned after a second. */
export const CONFIG: SimulatorConfig = {
  rateLimitPerSecond: 100_000,
  latencyMs: 0,
  faultRate: 0,
  rplMatch: null,
  rplReviewMinutes: 0,
  provisioningSeconds: 1,
};

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends a JSON request with the partner token; `headers` add to or replace the defaults. */
function send(
  sim: RunningSimulator,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: 'Bearer partner-token',
      'content-type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Calls the simulator and reads the answer; an empty body comes back as undefined. */
export async function call<T = unknown>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await send(sim, method, path, body, headers);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** Calls the simulator as the holder of `token` and leaves the raw answer unread. */
export function request(
  sim: RunningSimulator,
  method: string,
  path: string,
  token = 'partner-token',
  body?: unknown,
): Promise<Response> {
  return send(sim, method, path, body, { authorization: `Bearer ${token}` });
}

export function conforms(schema: SpecSchemaName, value: unknown): void {
  expect(validateSpecSchema(schema, value), `${schema}: ${JSON.stringify(value)}`).to.deep.equal(
    [],
  );
}

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';

/** A meetings-only customer; a file that counts creates overrides externalId. */
export const CUSTOMER = {
  provisioningId: PROVISIONING_ID,
  packages: ['webex_meetings'],
  externalId: 'ext-1',
  address: { addressLine1: '1 Main St', city: 'Austin', stateOrProvince: 'TX', country: 'US' },
  customerInfo: { name: 'Acme', primaryEmail: 'admin@acme.example' },
};

export const PIZZA_ADDRESS = {
  addressLine1: '771 Alder Drive',
  city: 'Milpitas',
  stateOrProvince: 'CA',
  zipOrPostalCode: '95035',
  country: 'US',
};

/** The provisioningParameters a customer with webex_calling needs. */
export const CALLING_PARAMS = {
  calling: {
    location: {
      name: 'Head Office',
      address: PIZZA_ADDRESS,
      timezone: 'America/Los_Angeles',
      language: 'en_us',
    },
  },
};

/** The customer of the spec's examples, meetings only until a file adds more. */
export const PIZZA_CUSTOMER = {
  provisioningId: PROVISIONING_ID,
  packages: ['webex_meetings'],
  externalId: 'ext-1',
  address: PIZZA_ADDRESS,
  customerInfo: { name: "John's Pizza", primaryEmail: 'john@pizza.example' },
};

/** The spec's customer with calling and meetings licences limited to `limits`, external id pizza-1. */
export function aCallingPizzaCustomer(limits: { webex_calling: number; webex_meetings: number }) {
  return {
    ...PIZZA_CUSTOMER,
    packages: ['webex_calling', 'webex_meetings'],
    externalId: 'pizza-1',
    provisioningParameters: { ...CALLING_PARAMS, packages: { limits } },
  };
}

/** The simulator on an ephemeral loopback port, on the real clock, state in memory; `over` sets what a test needs. */
export function startTestSimulator(over: Partial<SimulatorConfig> = {}): Promise<RunningSimulator> {
  return startSimulator({
    config: { ...CONFIG, ...over },
    clock: createClock(null),
    stateFile: null,
    port: 0,
  });
}
