import { HttpWebexClient, RateLimiter } from '../../src/webex/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';

/**
 * An HTTP client of the simulator (or of a fault proxy in front of it), as a run builds one (paced,
 * retried), with an optional sub-partner.
 */
export function clientOf(
  sim: RunningSimulator | { url: string },
  subPartnerOrgId: string | null = null,
): HttpWebexClient {
  return new HttpWebexClient({
    baseUrl: sim.url,
    token: 'partner-token',
    subPartnerOrgId,
    timeoutMs: 5000,
    concurrency: 4,
    limiter: new RateLimiter({ requestsPerSecond: 1000 }),
    budget: { remaining: 100 },
    backoffBaseMs: 5,
  });
}

/** A stream's text. */
export async function textOf(stream: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** An async iterable of a CSV text in small pieces, as a download arrives. */
export function piecesOf(text: string, size = 7): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) {
      await Promise.resolve();
      yield bytes.subarray(i, i + size);
    }
  })();
}

/** A customer with one Meetings user since `since`, straight into the simulator's state. */
export function seedWebexUser(
  sim: RunningSimulator,
  user: { email: string; orgId: string; since: string },
): void {
  const since = Date.parse(user.since);
  sim.state.customers.set('C1', {
    id: 'C1',
    externalId: 'acme-1',
    orgId: user.orgId,
    packages: ['webex_meetings'],
    address: { addressLine1: '1 Main St', city: 'Austin', country: 'US' },
    customerInfo: { name: 'Acme', primaryEmail: 'admin@acme.example' },
    createdMs: since,
    operation: { kind: 'create', startedMs: since },
    rplCheckMs: since,
  });
  sim.state.subscribers.set('S1', {
    id: 'S1',
    personId: 'P1',
    email: user.email,
    customerId: 'C1',
    packages: ['webex_meetings'],
    status: 'provisioned',
    createdMs: since,
    lastStatusChangeMs: since,
  });
}

/** The error a promise ends with; null when it resolves. */
export function failureOf(promise: Promise<unknown>): Promise<Error | null> {
  return promise.then(
    () => null,
    (err: unknown) => err as Error,
  );
}
