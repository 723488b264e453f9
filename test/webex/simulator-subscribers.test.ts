import { expect } from 'chai';
import { fixedClock } from '../../src/clock/index.ts';
import {
  EMAIL_TAKEN_CODE,
  startSimulator,
  subscriberKey,
  webexId,
  type RunningSimulator,
  type WebexErrorBody,
  type WebexSubscriber,
} from '../../src/webex/simulator/index.ts';
import { aCallingPizzaCustomer, CONFIG, call, conforms } from './simulator-support.ts';

const CUSTOMER = aCallingPizzaCustomer({ webex_calling: 10, webex_meetings: 2 });

function subscriber(email: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email,
    packages: ['webex_meetings'],
    provisioningParameters: { firstName: 'Ana', lastName: 'Silva' },
    ...over,
  };
}

describe('simulator: subscribers', function () {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  let sim: RunningSimulator;
  let customerId: string;

  async function post(body: Record<string, unknown>) {
    return call<WebexSubscriber & WebexErrorBody>(sim, 'POST', '/wholesale/subscribers', {
      customerId,
      ...body,
    });
  }

  beforeEach(async () => {
    sim = await startSimulator({
      config: CONFIG,
      clock,
      stateFile: null,
      pendingMigrationEmails: ['Free.User@Gmail.example'],
    });
    const res = await call(sim, 'POST', '/wholesale/customers', CUSTOMER);
    customerId = (res.headers.get('location') ?? '').split('/').pop() ?? '';
  });
  afterEach(() => sim.close());

  it('when the customer is not provisioned yet, then a subscriber is refused with 400 and nothing is created', async () => {
    const res = await post(subscriber('ana@pizza.example'));
    expect(res.status).to.equal(400);
    expect(res.body.errors[0]?.description).to.contain(
      'is not in provisioned state (status is provisioning)',
    );
    expect(sim.state.subscribers.size).to.equal(0);
  });

  it('when the customer is provisioned, then 200, status provisioned with a personId, and the create is counted', async () => {
    clock.advance(1000);
    const res = await post(subscriber('ana@pizza.example'));
    expect(res.status).to.equal(200);
    conforms('Subscriber', res.body);
    expect(res.body).to.include({
      status: 'provisioned',
      email: 'ana@pizza.example',
      customerId,
      externalCustomerId: 'pizza-1',
      package: 'webex_meetings',
    });
    expect(Buffer.from(res.body.personId ?? '', 'base64url').toString()).to.match(
      /^ciscospark:\/\/us\/PEOPLE\//,
    );
    expect(res.headers.get('location')).to.equal(`${sim.url}/wholesale/subscribers/${res.body.id}`);
    expect(sim.stats().subscriberCreatesByKey).to.deep.equal({
      [subscriberKey(customerId, 'ana@pizza.example')]: 1,
    });
  });

  it('when the email has a free Webex account, then 202 pending_user_migration without a personId', async () => {
    clock.advance(1000);
    const res = await post(subscriber('free.user@gmail.example'));
    expect(res.status).to.equal(202);
    conforms('Subscriber', res.body);
    expect(res.body.status).to.equal('pending_user_migration');
    expect(res.body.personId).to.equal(undefined);
  });

  it('when the pending user consents, then the subscriber is provisioned with a personId and its status change is dated', async () => {
    clock.advance(1000);
    const res = await post(subscriber('free.user@gmail.example'));
    clock.advance(5000);
    expect(sim.consentUserMove('FREE.USER@gmail.example')).to.equal(1);
    const after = await call<WebexSubscriber>(sim, 'GET', `/wholesale/subscribers/${res.body.id}`);
    conforms('Subscriber', after.body);
    expect(after.body.status).to.equal('provisioned');
    expect(after.body.personId).to.be.a('string');
    expect(after.body.lastStatusChange).to.equal(clock.now().toISOString());
    expect(sim.consentUserMove('free.user@gmail.example'), 'nothing left to move').to.equal(0);
  });

  it('when the email is already a subscriber, then 409 with errorCode 10022, whatever its case', async () => {
    clock.advance(1000);
    await post(subscriber('ana@pizza.example'));
    const res = await post(subscriber('ANA@pizza.example'));
    expect(res.status).to.equal(409);
    expect(res.body.errors[0]?.errorCode).to.equal(EMAIL_TAKEN_CODE);
    expect(sim.state.subscribers.size).to.equal(1);
  });

  it('when the package breaks a Webex rule, then 400 naming it', async () => {
    clock.advance(1000);
    const notHeld = await post(subscriber('a@pizza.example', { packages: ['webex_suite'] }));
    expect(notHeld.body.errors[0]?.description).to.equal(
      "package webex_suite is not one of the customer's packages (webex_calling, webex_meetings)",
    );
    const noNumber = await post(subscriber('b@pizza.example', { packages: ['webex_calling'] }));
    expect(noNumber.body.errors[0]?.description).to.contain(
      'primaryPhoneNumber or extension is required',
    );
    const both = await post(subscriber('c@pizza.example', { package: 'webex_meetings' }));
    expect(both.body.errors[0]?.description).to.equal(
      'Either packages or package field is required but not both.',
    );
    expect([notHeld.status, noNumber.status, both.status]).to.deep.equal([400, 400, 400]);
  });

  it('when a package limit is reached, then the next subscriber on it is refused', async () => {
    clock.advance(1000);
    const statuses = [];
    for (const who of ['a', 'b', 'c'])
      statuses.push((await post(subscriber(`${who}@pizza.example`))).status);
    expect(statuses).to.deep.equal([200, 200, 400]);
  });

  it('when more than 100 are asked for, then a page holds 100 and Link points on', async () => {
    clock.advance(1000);
    for (let i = 0; i < 150; i++) {
      const id = webexId('SUBSCRIBER');
      const at = clock.nowMs() + i;
      sim.state.subscribers.set(id, {
        id,
        personId: webexId('PEOPLE'),
        email: `u${i}@pizza.example`,
        customerId,
        packages: ['webex_meetings'],
        status: 'provisioned',
        createdMs: at,
        lastStatusChangeMs: at,
      });
    }
    const first = await call<{ items: WebexSubscriber[] }>(
      sim,
      'GET',
      `/wholesale/subscribers?customerId=${customerId}&max=500`,
    );
    conforms('SubscriberListResponse', first.body);
    expect(first.body.items).to.have.length(100);
    const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    const second = await call<{ items: WebexSubscriber[] }>(sim, 'GET', next.slice(sim.url.length));
    expect(second.body.items.map((s) => s.email)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => `u${i + 100}@pizza.example`),
    );
    expect(second.headers.get('link')).to.equal(null);
  });

  it('when filtered by email and externalCustomerId, then only that subscriber comes back', async () => {
    clock.advance(1000);
    await post(subscriber('ana@pizza.example'));
    await post(subscriber('bo@pizza.example'));
    const res = await call<{ items: WebexSubscriber[] }>(
      sim,
      'GET',
      '/wholesale/subscribers?email=ANA@pizza.example&externalCustomerId=pizza-1',
    );
    conforms('SubscriberListResponse', res.body);
    expect(res.body.items.map((s) => s.email)).to.deep.equal(['ana@pizza.example']);
  });

  it('when a subscriber is updated then deleted, then 200 with the new package, 204, and 404 after', async () => {
    clock.advance(1000);
    const id = (await post(subscriber('ana@pizza.example'))).body.id;
    const put = await call<WebexSubscriber>(sim, 'PUT', `/wholesale/subscribers/${id}`, {
      packages: ['webex_calling'],
      provisioningParameters: { extension: '5221' },
    });
    expect(put.status).to.equal(200);
    conforms('Subscriber', put.body);
    expect(put.body.packages).to.deep.equal(['webex_calling']);
    expect((await call(sim, 'DELETE', `/wholesale/subscribers/${id}`)).status).to.equal(204);
    expect((await call(sim, 'GET', `/wholesale/subscribers/${id}`)).status).to.equal(404);
  });

  it('when the customer is deleted, then its subscribers go with it', async () => {
    clock.advance(1000);
    const id = (await post(subscriber('ana@pizza.example'))).body.id;
    await call(sim, 'DELETE', `/wholesale/customers/${customerId}`);
    clock.advance(1000);
    expect((await call(sim, 'GET', `/wholesale/subscribers/${id}`)).status).to.equal(404);
    expect(sim.state.subscribers.size).to.equal(0);
  });

  it('when a subscriber is prechecked, then 200 with infoCode 100, or 409 when the email is taken', async () => {
    clock.advance(1000);
    const good = await call(sim, 'POST', '/wholesale/subscribers/validate', {
      customerId,
      email: 'ana@pizza.example',
      packages: ['webex_meetings'],
    });
    expect(good.status).to.equal(200);
    conforms('SubscriberProvisioningPrecheckResponse', good.body);
    await post(subscriber('ana@pizza.example'));
    const taken = await call<WebexErrorBody>(sim, 'POST', '/wholesale/subscribers/validate', {
      email: 'ana@pizza.example',
    });
    expect([taken.status, taken.body.errors[0]?.errorCode]).to.deep.equal([409, EMAIL_TAKEN_CODE]);
  });
});
