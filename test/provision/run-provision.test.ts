import { expect } from 'chai';
import { createClock } from '../../src/clock/index.ts';
import { runProvision } from '../../src/provision/index.ts';
import {
  HttpWebexClient,
  RateLimiter,
  type WebexPort,
  type WebexTargets,
} from '../../src/webex/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customerDoc, stageCustomers } from '../support/staging.ts';
import { CONFIG } from '../webex/simulator-support.ts';

describe('provision: a partner whose token is refused stops alone', () => {
  let t: TestDb;
  let sim: RunningSimulator;
  afterEach(async () => {
    await sim.close();
    await t.close();
  });

  it('when Webex answers 401 for one partner, then its work stops with one message and the other partner is provisioned', async () => {
    t = await freshDb('sqlite');
    const clock = createClock(null);
    sim = await startSimulator({
      config: { ...CONFIG, provisioningSeconds: 0.1 },
      clock,
      stateFile: null,
      port: 0,
    });
    const config = testConfig({ webex: { pollSeconds: 0.1, waitForProvisionedSeconds: 10 } });
    const ctx = await testRunContext(t.db, config, { clock });
    for (const partner of ['alpha', 'beta']) {
      await stageCustomers(t.db, partner, ctx.runId, [customerDoc(`${partner}-1`)]);
    }
    const good = new HttpWebexClient({
      baseUrl: sim.url,
      token: 'beta-token',
      timeoutMs: 5000,
      concurrency: 4,
      limiter: new RateLimiter({ requestsPerSecond: 100 }),
      budget: { remaining: 100 },
    });
    const refused = new HttpWebexClient({
      baseUrl: sim.url,
      token: '',
      timeoutMs: 5000,
      concurrency: 4,
      limiter: new RateLimiter({ requestsPerSecond: 100 }),
      budget: { remaining: 100 },
    });
    const targets: WebexTargets = {
      portFor: (partner) => ({ port: (partner === 'alpha' ? refused : good) as WebexPort }),
      describe: () => 'test',
      close: () => Promise.resolve(),
    };
    await runProvision(ctx, targets);

    expect(
      ctx.tally.notes.filter((n) => n.startsWith('partner alpha: Webex refused its token')),
    ).to.have.length(1);
    expect(ctx.tally.customers.created).to.equal(1);
    expect([...sim.state.customers.values()].map((c) => c.externalId)).to.deep.equal(['beta-1']);
    const alpha = (await t.db('changes').where({ partner_id: 'alpha' }).first()) as {
      status: string;
    };
    expect(alpha.status).to.equal('pending'); // kept for the next run, once the token is fixed
  });
});
