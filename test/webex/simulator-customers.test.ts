import { expect } from 'chai';
import { fixedClock } from '../../src/clock/index.ts';
import type { SimulatorConfig } from '../../src/config/index.ts';
import {
  startSimulator,
  webexId,
  type RunningSimulator,
  type SimulatorOptions,
  type WebexCustomer,
  type WebexErrorBody,
} from '../../src/webex/simulator/index.ts';
import {
  CALLING_PARAMS,
  CONFIG,
  PIZZA_CUSTOMER,
  call,
  conforms,
  type Reply,
} from './simulator-support.ts';

function customerBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...PIZZA_CUSTOMER, ...over };
}

function idOf(location: string | null): string {
  return (location ?? '').split('/').pop() ?? '';
}

describe('simulator: customers', function () {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  let sim: RunningSimulator;

  async function restart(
    over: Partial<SimulatorOptions> = {},
    config: Partial<SimulatorConfig> = {},
  ): Promise<void> {
    await sim?.close();
    sim = await startSimulator({
      config: { ...CONFIG, ...config },
      clock,
      stateFile: null,
      ...over,
    });
  }

  beforeEach(() => restart());
  after(() => sim.close());

  it('when a customer is posted, then 202 with Location and {url}, and a Webex-style id', async () => {
    const res = await call<{ url: string }>(sim, 'POST', '/wholesale/customers', customerBody());
    expect(res.status).to.equal(202);
    conforms('ResourceURL', res.body);
    const location = res.headers.get('location');
    expect(location).to.equal(res.body.url);
    expect(location).to.match(new RegExp(`^${sim.url}/wholesale/customers/`));
    expect(Buffer.from(idOf(location), 'base64url').toString()).to.match(
      /^ciscospark:\/\/us\/ENTERPRISE\/[0-9a-f-]{36}$/,
    );
    expect(res.headers.get('trackingid')).to.match(/^ROUTER_/);
  });

  it('when the clock moves, then provisioning, pending_rpl_review, provisioned with orgId only at the end', async () => {
    await restart({}, { rplReviewMinutes: 15 });
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', customerBody())).headers.get('location'),
    );
    const seen: Array<[string, boolean]> = [];
    for (const step of [0, 1000, 15 * 60_000]) {
      clock.advance(step);
      const res = await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`);
      conforms('Customer', res.body);
      seen.push([res.body.status, res.body.orgId !== undefined]);
    }
    expect(seen).to.deep.equal([
      ['provisioning', false],
      ['pending_rpl_review', false],
      ['provisioned', true],
    ]);
  });

  it('when the name matches rplMatch, then the customer stays pending_rpl_review', async () => {
    await restart({}, { rplMatch: 'Pizza' });
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', customerBody())).headers.get('location'),
    );
    clock.advance(7 * 24 * 3600_000);
    const res = await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`);
    expect(res.body.status).to.equal('pending_rpl_review');
  });

  it('when Calling is under maintenance, then a calling customer ends provisioned_with_errors with warning 2560', async () => {
    await restart({ provisionedWithErrors2560: true });
    const body = customerBody({
      packages: ['webex_calling', 'webex_meetings'],
      provisioningParameters: CALLING_PARAMS,
    });
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', body)).headers.get('location'),
    );
    clock.advance(1000);
    const res = await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`);
    conforms('Customer', res.body);
    expect(res.body.status).to.equal('provisioned_with_errors');
    const calling = res.body.resourceDetails.packages.find((p) => p.name === 'webex_calling');
    expect(calling?.warnings?.map((w) => w.errorCode)).to.deep.equal([2560]);
    expect(
      res.body.resourceDetails.packages.find((p) => p.name === 'webex_meetings')?.status,
    ).to.equal('provisioned');
  });

  it('when a provisioned customer is updated, then updating, and a new billing address brings the RPL review back', async () => {
    await restart({}, { rplReviewMinutes: 10 });
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', customerBody())).headers.get('location'),
    );
    clock.advance(11 * 60_000);
    const put = await call(sim, 'PUT', `/wholesale/customers/${id}`, {
      packages: ['webex_meetings', 'webex_suite'],
      provisioningParameters: CALLING_PARAMS,
    });
    expect(put.status).to.equal(202);
    conforms('ResourceURL', put.body);
    expect(
      (await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`)).body.status,
    ).to.equal('updating');
    clock.advance(1000);
    const updated = (await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`)).body;
    expect([updated.status, updated.packages]).to.deep.equal([
      'provisioned',
      ['webex_meetings', 'webex_suite'],
    ]);

    const moved = {
      addressLine1: '1 New Road',
      city: 'Austin',
      stateOrProvince: 'TX',
      country: 'US',
    };
    await call(sim, 'PUT', `/wholesale/customers/${id}`, {
      packages: ['webex_meetings'],
      address: moved,
    });
    clock.advance(1000);
    const reviewed = (await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`)).body;
    expect([reviewed.status, reviewed.address.city]).to.deep.equal([
      'pending_rpl_review',
      'Austin',
    ]);
  });

  it('when a customer is changed while provisioning, then 423 with Retry-After', async () => {
    await restart({}, { provisioningSeconds: 30 });
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', customerBody())).headers.get('location'),
    );
    clock.advance(10_000);
    const res = await call<WebexErrorBody>(sim, 'PUT', `/wholesale/customers/${id}`, {
      packages: ['webex_meetings'],
    });
    expect(res.status).to.equal(423);
    expect(res.headers.get('retry-after')).to.equal('20');
    expect(res.body.errors[0]?.description).to.contain('provisioning');
  });

  it('when a customer is deleted, then 202, deleting, and 404 once done', async () => {
    const id = idOf(
      (await call(sim, 'POST', '/wholesale/customers', customerBody())).headers.get('location'),
    );
    clock.advance(1000);
    const del = await call(sim, 'DELETE', `/wholesale/customers/${id}`);
    expect([del.status, del.body]).to.deep.equal([202, undefined]);
    expect(
      (await call<WebexCustomer>(sim, 'GET', `/wholesale/customers/${id}`)).body.status,
    ).to.equal('deleting');
    clock.advance(1000);
    const gone = await call<WebexErrorBody>(sim, 'GET', `/wholesale/customers/${id}`);
    expect(gone.status).to.equal(404);
    expect(gone.body.trackingId).to.equal(gone.headers.get('trackingid'));
    expect(sim.state.customers.has(id)).to.be.false;
  });

  it('when the same externalId is posted twice, then like Webex there are two customers, both counted', async () => {
    await call(sim, 'POST', '/wholesale/customers', customerBody({ externalId: 'dup' }));
    await call(sim, 'POST', '/wholesale/customers', customerBody({ externalId: 'dup' }));
    const list = await call<{ items: WebexCustomer[] }>(
      sim,
      'GET',
      '/wholesale/customers?externalId=dup',
    );
    conforms('CustomerListResponse', list.body);
    expect(list.body.items).to.have.length(2);
    expect(sim.stats().createsByExternalId).to.deep.equal({ dup: 2 });
  });

  it('when 1,000 customers are paged at max=100, then each comes exactly once and Link stops at the end', async () => {
    // Seeded in memory: 1,000 POSTs over loopback fetch would take seconds and test nothing more.
    for (let i = 0; i < 1000; i++) {
      const id = webexId('ENTERPRISE');
      const at = clock.nowMs();
      sim.state.customers.set(id, {
        id,
        externalId: `ext-${i}`,
        orgId: webexId('ORGANIZATION'),
        packages: ['webex_meetings'],
        address: { addressLine1: `${i} Main St`, city: 'Austin', country: 'US' },
        createdMs: at,
        operation: { kind: 'create', startedMs: at },
        rplCheckMs: at,
      });
    }
    const seen: string[] = [];
    let next: string | null = `${sim.url}/wholesale/customers?max=100`;
    let pages = 0;
    while (next !== null) {
      const res: Reply<{ items: WebexCustomer[] }> = await call(
        sim,
        'GET',
        next.slice(sim.url.length),
      );
      conforms('CustomerListResponse', res.body);
      seen.push(...res.body.items.map((c) => c.externalId));
      pages += 1;
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }
    expect(pages).to.equal(10);
    expect(seen).to.have.length(1000);
    expect(new Set(seen).size).to.equal(1000);
  });

  it('when listing with a status filter, then only customers in those statuses come back', async () => {
    await call(sim, 'POST', '/wholesale/customers', customerBody({ externalId: 'early' }));
    clock.advance(1000);
    await call(sim, 'POST', '/wholesale/customers', customerBody({ externalId: 'late' }));
    const res = await call<{ items: WebexCustomer[] }>(
      sim,
      'GET',
      '/wholesale/customers?status=provisioning,updating',
    );
    expect(res.body.items.map((c) => c.externalId)).to.deep.equal(['late']);
  });

  it('when a body breaks the spec, then 400 with a Webex error body naming each problem', async () => {
    const res = await call<WebexErrorBody>(sim, 'POST', '/wholesale/customers', {
      packages: ['webex_teleport'],
      externalId: 'x',
      address: { city: 'Milpitas', country: 'US' },
    });
    expect(res.status).to.equal(400);
    expect(res.body.trackingId).to.match(/^ROUTER_/);
    expect(res.body.message).to.equal(res.body.errors[0]?.description);
    const all = res.body.errors.map((e) => e.description).join('\n');
    expect(all).to.contain('provisioningId is required');
    expect(all).to.contain("packages.0 is 'webex_teleport'");
    expect(all).to.contain('address.addressLine1 is required');
    expect(sim.state.customers.size).to.equal(0);
  });

  it('when a body breaks a Webex rule beyond the schema, then 400 saying which', async () => {
    const res = await call<WebexErrorBody>(
      sim,
      'POST',
      '/wholesale/customers',
      customerBody({
        packages: ['webex_calling'],
        customerInfo: { name: '100% Pizza', primaryEmail: 'a@b.example' },
      }),
    );
    expect(res.status).to.equal(400);
    expect(res.body.errors.map((e) => e.description)).to.deep.equal([
      "customerInfo.name '100% Pizza' must not contain '%'",
      'provisioningParameters.calling.location is required for calling packages (webex_calling)',
    ]);
  });

  it('when the query is malformed, then 400; without a token 401; an unknown id 404', async () => {
    expect((await call(sim, 'GET', '/wholesale/customers?max=ten')).status).to.equal(400);
    expect((await call(sim, 'GET', '/wholesale/customers?status=happy')).status).to.equal(400);
    expect(
      (await call(sim, 'GET', '/wholesale/customers', undefined, { authorization: '' })).status,
    ).to.equal(401);
    expect((await call(sim, 'GET', '/wholesale/customers/nope')).status).to.equal(404);
  });

  it('when a TrackingID header is sent, then it is echoed on the answer and in error bodies', async () => {
    const res = await call<WebexErrorBody>(sim, 'GET', '/wholesale/customers/nope', undefined, {
      TrackingID: 'RTM_run7_row14',
    });
    expect(res.headers.get('trackingid')).to.equal('RTM_run7_row14');
    expect(res.body.trackingId).to.equal('RTM_run7_row14');
  });

  it('when a customer is prechecked, then 200 with infoCode 100, or 400 for a bad address', async () => {
    const good = await call(sim, 'POST', '/wholesale/customers/validate', {
      address: { addressLine1: '1 Rua A', city: 'Recife', country: 'BR' },
      customerInfo: { primaryEmail: 'a@b.example' },
    });
    expect(good.status).to.equal(200);
    conforms('CustomerProvisioningPrecheckResponse', good.body);
    const bad = await call<WebexErrorBody>(sim, 'POST', '/wholesale/customers/validate', {
      address: { addressLine1: '1 Rua A', city: 'Recife', country: 'Brasil' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0]?.description).to.contain(
      "'Brasil' is not an ISO 3166-1 alpha-2 code",
    );
  });
});
