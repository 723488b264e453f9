import { expect } from 'chai';
import { fixedClock } from '../../src/clock/index.ts';
import {
  startSimulator,
  type RunningSimulator,
  type WebexCustomer,
  type WebexErrorBody,
} from '../../src/webex/simulator/index.ts';
import { CONFIG, CUSTOMER as SAMPLE_CUSTOMER, request } from './simulator-support.ts';

const CUSTOMER = { ...SAMPLE_CUSTOMER, externalId: 'ext-cut' };

/** A source of draws that replays the given values, then 0.99 (no fault) for ever. */
function scripted(...draws: number[]): () => number {
  return () => draws.shift() ?? 0.99;
}

describe('simulator: rate limit and faults', function () {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  let sim: RunningSimulator | null = null;

  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('when a token goes past rateLimitPerSecond, then 429 with Retry-After in seconds, and other tokens still pass', async () => {
    sim = await startSimulator({ config: { ...CONFIG, rateLimitPerSecond: 5 }, clock });
    const statuses: number[] = [];
    let refused: { retryAfter: string | null; body: WebexErrorBody } | null = null;
    for (let i = 0; i < 7; i++) {
      const res = await request(sim, 'GET', '/wholesale/customers');
      statuses.push(res.status);
      const body = (await res.json()) as WebexErrorBody;
      if (res.status === 429) refused = { retryAfter: res.headers.get('retry-after'), body };
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
    expect(refused?.retryAfter).to.equal('1');
    expect(refused?.body.trackingId).to.match(/^ROUTER_/);
    expect((await request(sim, 'GET', '/wholesale/customers', 'other-token')).status).to.equal(200);
    expect(sim.stats().rateLimited).to.equal(2);
  });

  it('when retryAfterMalformed is set, then 429 carries the malformed value Webex has been seen sending', async () => {
    sim = await startSimulator({
      config: { ...CONFIG, rateLimitPerSecond: 1 },
      clock,
      retryAfterMalformed: true,
    });
    await (await request(sim, 'GET', '/wholesale/customers')).arrayBuffer();
    const res = await request(sim, 'GET', '/wholesale/customers');
    expect([res.status, res.headers.get('retry-after')]).to.deep.equal([429, 'rand(30),add(30)']);
  });

  it('when a POST is cut, then the client sees a reset but the customer exists and is counted', async () => {
    sim = await startSimulator({
      config: { ...CONFIG, faultRate: 0.5 },
      clock,
      random: scripted(0.1, 0.1),
    });
    let failure: unknown = null;
    try {
      await request(sim, 'POST', '/wholesale/customers', 'partner-token', CUSTOMER);
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(TypeError);
    const found = await request(sim, 'GET', '/wholesale/customers?externalId=ext-cut');
    expect(((await found.json()) as { items: WebexCustomer[] }).items).to.have.length(1);
    expect(sim.stats()).to.deep.include({
      connectionsCut: 1,
      faultsInjected: 1,
      createsByExternalId: { 'ext-cut': 1 },
    });
  });

  it('when a fault answers 5xx, then nothing is committed and the body is a Webex error', async () => {
    sim = await startSimulator({
      config: { ...CONFIG, faultRate: 0.5 },
      clock,
      random: scripted(0.1, 0.9, 0.5),
    });
    const res = await request(sim, 'POST', '/wholesale/customers', 'partner-token', CUSTOMER);
    expect(res.status).to.equal(502);
    const body = (await res.json()) as WebexErrorBody;
    expect(body.trackingId).to.equal(res.headers.get('trackingid'));
    expect(sim.state.customers.size).to.equal(0);
  });

  it('when faultRate is 1, then every request fails one way or the other', async () => {
    sim = await startSimulator({ config: { ...CONFIG, faultRate: 1 }, clock });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request(sim as RunningSimulator, 'POST', '/wholesale/customers', 'partner-token', {
          ...CUSTOMER,
          externalId: `x${i}`,
        }).then(
          (r) => r.status,
          () => 'reset',
        ),
      ),
    );
    expect(outcomes.every((o) => o === 'reset' || (typeof o === 'number' && o >= 500))).to.be.true;
    const stats = sim.stats();
    expect(stats.faultsInjected).to.equal(30);
    // Exactly the cut requests were committed.
    expect(sim.state.customers.size).to.equal(stats.connectionsCut);
  });

  it('when latencyMs is set, then every answer waits at least that long', async () => {
    sim = await startSimulator({ config: { ...CONFIG, latencyMs: 60 }, clock });
    const started = performance.now();
    const res = await request(sim, 'GET', '/wholesale/customers');
    expect(res.status).to.equal(200);
    expect(performance.now() - started).to.be.at.least(55);
  });
});
