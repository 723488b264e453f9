import { expect } from 'chai';
import { createClock } from '../../src/clock/index.ts';
import { applyProvisioning } from '../../src/provision/index.ts';
import { HttpWebexClient, RateLimiter } from '../../src/webex/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customerDoc, stageCustomers } from '../support/staging.ts';

const COUNT = 500;

for (const backend of backends()) {
  describe(`provisioning exactly once under faults (${backend})`, () => {
    let t: TestDb;
    let sim: RunningSimulator;
    afterEach(async () => {
      await sim?.close();
      await t?.close();
    });

    it(`when a fifth of requests fail or are cut after the change, then ${COUNT} creates end with ${COUNT} customers, none twice`, async function () {
      this.timeout(180_000);
      t = await freshDb(backend);
      const config = testConfig({
        webex: {
          requestsPerSecond: 2000,
          concurrency: 16,
          pollSeconds: 0.2,
          waitForProvisionedSeconds: 30,
        },
      });
      const clock = createClock(null);
      sim = await startSimulator({
        config: {
          rateLimitPerSecond: 100_000,
          latencyMs: 0,
          faultRate: 0.2,
          rplMatch: null,
          rplReviewMinutes: 0,
          provisioningSeconds: 0.2,
        },
        clock,
        stateFile: null,
        port: 0,
      });
      const ctx0 = await testRunContext(t.db, config, { runId: 'stage-run', clock });
      const docs = Array.from({ length: COUNT }, (_, i) => customerDoc(`ext-${i}`));
      await stageCustomers(t.db, 'acme', ctx0.runId, docs);
      const port = new HttpWebexClient({
        baseUrl: sim.url,
        token: 'test-token',
        timeoutMs: 5000,
        concurrency: 16,
        limiter: new RateLimiter({ requestsPerSecond: 2000 }),
        budget: { remaining: 100_000 },
        backoffBaseMs: 5,
        backoffMaxMs: 50,
      });

      // Runs repeat until nothing is left open, as nightly runs would.
      let runs = 0;
      for (; runs < 10; runs++) {
        const ctx = await testRunContext(t.db, config, { clock });
        await applyProvisioning(ctx, 'acme', port);
        const open = (await t
          .db('changes')
          .whereNot('status', 'done')
          .count({ n: '*' })
          .first()) as { n: number };
        if (Number(open.n) === 0) break;
      }
      const stats = sim.stats();
      // What the outbox holds, shown with any failure below.
      const outbox = JSON.stringify(
        await t
          .db('changes')
          .select('status', 'outcome', 'error_message')
          .count({ n: '*' })
          .groupBy('status', 'outcome', 'error_message'),
      );
      expect(stats.faultsInjected, 'faults were injected').to.be.greaterThan(50);
      expect(stats.connectionsCut, 'connections were cut').to.be.greaterThan(5);
      expect(sim.state.customers.size, outbox).to.equal(COUNT);
      const twice = Object.entries(stats.createsByExternalId).filter(([, n]) => n > 1);
      expect(twice, 'customers created twice').to.deep.equal([]);
      const done = (await t
        .db('changes')
        .where({ status: 'done', outcome: 'created' })
        .count({ n: '*' })
        .first()) as { n: number };
      expect(Number(done.n), `after ${runs + 1} run(s): ${outbox}`).to.equal(COUNT);
      const linked = (await t
        .db('customers')
        .whereNotNull('webex_id')
        .where({ webex_status: 'provisioned' })
        .count({ n: '*' })
        .first()) as { n: number };
      expect(Number(linked.n), outbox).to.equal(COUNT);
    });
  });
}
