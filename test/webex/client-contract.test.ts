import { expect } from 'chai';
import { createClock } from '../../src/clock/index.ts';
import {
  customerCreateBody,
  customerUpdateBody,
  subscriberCreateBody,
} from '../../src/provision/index.ts';
import type { CustomerDesired, SubscriberDesired } from '../../src/rules/index.ts';
import {
  AuthError,
  HttpWebexClient,
  PermanentError,
  RateLimiter,
  type WebexPort,
} from '../../src/webex/index.ts';
import {
  startSimulator,
  validateRequestBody,
  validateSpecSchema,
  type RunningSimulator,
} from '../../src/webex/simulator/index.ts';
import { CONFIG } from './simulator-support.ts';

const CALLING_CUSTOMER: CustomerDesired = {
  externalId: 'ext-calling',
  action: 'upsert',
  provisioningId: 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2',
  name: "John's Pizza",
  primaryEmail: 'john@pizza.example',
  language: 'en',
  address: {
    addressLine1: '771 Alder Drive',
    addressLine2: 'Cisco Site 5',
    city: 'Milpitas',
    stateOrProvince: 'CA',
    zipOrPostalCode: '95035',
    country: 'US',
  },
  packages: ['webex_calling', 'webex_meetings'],
  limits: { webex_calling: 10, webex_meetings: 10 },
  location: { name: 'Head Office', timezone: 'America/Los_Angeles', language: 'en_us' },
  meetingsTimezone: 'America/Los_Angeles',
};

const USER: SubscriberDesired = {
  customerExternalId: 'ext-calling',
  email: 'ann@pizza.example',
  action: 'upsert',
  firstName: 'Ann',
  lastName: 'Lee',
  package: 'webex_calling',
  isAdmin: false,
  phoneNumber: '+14085550100',
  extension: '100',
};

function client(
  sim: RunningSimulator,
  token = 'partner-token',
  over: Partial<ConstructorParameters<typeof HttpWebexClient>[0]> = {},
): HttpWebexClient {
  return new HttpWebexClient({
    baseUrl: sim.url,
    token,
    timeoutMs: 5000,
    concurrency: 16,
    limiter: new RateLimiter({ requestsPerSecond: 5000 }),
    budget: { remaining: 10_000 },
    backoffBaseMs: 5,
    backoffMaxMs: 50,
    ...over,
  });
}

describe('webex client: contract with the OpenAPI spec', () => {
  let sim: RunningSimulator;
  const clock = { t: Date.parse('2026-11-24T00:00:00Z') };
  beforeEach(async () => {
    sim = await startSimulator({
      config: { ...CONFIG, provisioningSeconds: 1 },
      clock: { now: () => new Date(clock.t), nowMs: () => clock.t },
      stateFile: null,
      port: 0,
    });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when the program builds request bodies, then each validates against the spec', () => {
    expect(
      validateRequestBody('post /wholesale/customers', customerCreateBody(CALLING_CUSTOMER)),
    ).to.deep.equal([]);
    expect(
      validateRequestBody(
        'put /wholesale/customers/{customerId}',
        customerUpdateBody(CALLING_CUSTOMER),
      ),
    ).to.deep.equal([]);
    expect(
      validateRequestBody('post /wholesale/subscribers', subscriberCreateBody(USER, 'W1')),
    ).to.deep.equal([]);
  });

  it('when every call of the port is made, then Webex accepts each and every answer matches the spec', async () => {
    const port: WebexPort = client(sim);
    const precheck = await port.precheckCustomer(customerCreateBody(CALLING_CUSTOMER));
    expect(precheck.passed).to.equal(true);
    const created = await port.createCustomer(customerCreateBody(CALLING_CUSTOMER));
    expect(created.id).to.be.a('string').and.not.equal('');
    expect(created.trackingId).to.match(/^RTMBATCH_/);
    clock.t += 2000;
    const customer = await port.getCustomer(created.id);
    expect(customer?.status).to.equal('provisioned');
    expect(validateSpecSchema('Customer', customer)).to.deep.equal([]);
    expect(
      (await port.listCustomers({ externalId: 'ext-calling' })).map((c) => c.id),
    ).to.deep.equal([created.id]);

    const subBody = subscriberCreateBody(USER, created.id);
    expect((await port.precheckSubscriber(subBody)).passed).to.equal(true);
    const sub = await port.createSubscriber(subBody);
    expect(sub.status).to.equal('provisioned');
    expect(validateSpecSchema('Subscriber', { ...sub, trackingId: undefined })).to.deep.equal([]);
    expect(
      (await port.listSubscribers({ customerId: created.id })).map((s) => s.email),
    ).to.deep.equal(['ann@pizza.example']);
    await port.updateSubscriber(sub.id, { packages: ['webex_meetings'] });
    expect(
      (await port.getSubscriber(sub.id))?.packages ?? [(await port.getSubscriber(sub.id))?.package],
    ).to.include('webex_meetings');
    await port.deleteSubscriber(sub.id);
    expect(await port.getSubscriber(sub.id)).to.equal(null);

    await port.updateCustomer(
      created.id,
      customerUpdateBody({
        ...CALLING_CUSTOMER,
        packages: ['webex_calling', 'webex_meetings', 'webex_suite'],
      }),
    );
    expect((await port.getCustomer(created.id))?.status).to.equal('updating');
    clock.t += 2000;
    await port.deleteCustomer(created.id);
    clock.t += 2000;
    expect(await port.getCustomer(created.id)).to.equal(null);
  });

  it('when a precheck is refused, then the refusal is its answer with Webex’s error, not an exception', async () => {
    const port = client(sim);
    const created = await port.createCustomer(customerCreateBody(CALLING_CUSTOMER));
    clock.t += 2000;
    await port.createSubscriber(subscriberCreateBody(USER, created.id));
    const again = await port.precheckSubscriber(subscriberCreateBody(USER, created.id));
    expect(again.passed).to.equal(false);
    expect(again.errors[0]?.errorCode).to.equal(10022);
  });

  it('when 1,000 customers are paged at max=100, then each comes back exactly once', async function () {
    this.timeout(60_000);
    const port = client(sim);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        port.createCustomer(
          customerCreateBody({
            ...CALLING_CUSTOMER,
            externalId: `page-${i}`,
            name: `Customer ${i}`,
            packages: ['webex_meetings'],
            limits: {},
            location: undefined,
          }),
        ),
      ),
    );
    const listed = await port.listCustomers();
    expect(listed).to.have.length(1000);
    expect(new Set(listed.map((c) => c.externalId)).size).to.equal(1000);
    // 10 pages; pages are asked a few ahead by offset, so up to 3 more past the end.
    expect(sim.stats().byOperation['GET /wholesale/customers']).to.be.within(10, 13);
  });

  it('when the token is refused, then an AuthError carries the tracking id; a bad request is a PermanentError with the API’s words', async () => {
    let auth: unknown;
    try {
      await client(sim, '').listCustomers();
    } catch (err) {
      auth = err;
    }
    expect(auth).to.be.instanceOf(AuthError);
    expect((auth as AuthError).info.trackingId).to.match(/^RTMBATCH_/);
    let bad: unknown;
    try {
      await client(sim).createCustomer({
        ...customerCreateBody(CALLING_CUSTOMER),
        address: { ...CALLING_CUSTOMER.address, country: 'Brasil' },
      });
    } catch (err) {
      bad = err;
    }
    expect(bad).to.be.instanceOf(PermanentError);
    expect((bad as PermanentError).info.status).to.equal(400);
    expect((bad as PermanentError).info.description).to.match(/country/i);
  });
});

describe('webex client: rate limits and malformed Retry-After', () => {
  it('when the server sends Retry-After: rand(30),add(30), then the client backs off and every request still lands once', async function () {
    this.timeout(30_000);
    const sim = await startSimulator({
      config: { ...CONFIG, rateLimitPerSecond: 20 },
      clock: createClock(null),
      stateFile: null,
      port: 0,
      retryAfterMalformed: true,
    });
    try {
      const port = client(sim, 'tok', {
        limiter: new RateLimiter({ requestsPerSecond: 200 }),
        maxAttempts: 30,
        backoffBaseMs: 100,
        backoffMaxMs: 1000,
      });
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          port.createCustomer(
            customerCreateBody({
              ...CALLING_CUSTOMER,
              externalId: `ra-${i}`,
              packages: ['webex_meetings'],
              limits: {},
              location: undefined,
            }),
          ),
        ),
      );
      const stats = sim.stats();
      expect(stats.rateLimited).to.be.greaterThan(0);
      expect(Object.values(stats.createsByExternalId).every((n) => n === 1)).to.equal(true);
      expect(Object.keys(stats.createsByExternalId)).to.have.length(60);
    } finally {
      await sim.close();
    }
  });
});
