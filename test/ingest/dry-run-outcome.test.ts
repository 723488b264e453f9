import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runImport, seedDemoInbox } from '../../src/ingest/index.ts';
import { applyProvisioning } from '../../src/provision/index.ts';
import type { PlanLine } from '../../src/reports/index.ts';
import type { RunContext } from '../../src/runs/index.ts';
import type { WebexPort } from '../../src/webex/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';

/** A dry run never calls Webex: any call fails the test. */
const NO_WEBEX = new Proxy({} as WebexPort, {
  get: (_t, name) => () => {
    throw new Error(`a dry run called Webex (${String(name)})`);
  },
});

/** The plan counts of each demo partner, planned in a dry run with what `imported` holds. */
async function planOf(
  ctx: RunContext,
  imported?: Parameters<typeof applyProvisioning>[3],
): Promise<unknown> {
  const lines: PlanLine[] = [];
  ctx.planOut = { write: (line) => Promise.resolve(void lines.push(line)) };
  for (const partner of ['acme', 'sakura'])
    await applyProvisioning(ctx, partner, NO_WEBEX, imported);
  return { plan: ctx.tally.plan, lines: lines.map((l) => JSON.stringify(l)).sort() };
}

for (const backend of backends()) {
  describe(`ingest: a dry run hands what it accepted to the planner as a value (issue 18, ${backend})`, function () {
    this.timeout(60_000);
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await t.close();
    });

    const count = async (table: string) => Number((await t.db(table).count({ n: '*' }).first())?.n);

    it('when the demo sheets are imported dry, then runImport returns the accepted rows, stages none, and they plan as the real import staged them', async () => {
      const config = testConfig();
      await seedDemoInbox(config.home, config.inbox.stableSeconds);
      const inbox = () => readdirSync(path.join(config.home, 'inbox', 'acme')).sort();
      const before = inbox();

      const dry = await testRunContext(t.db, config, { runId: 'dry', dryRun: true });
      const outcome = await runImport(dry);
      expect(outcome.desired.customers.length).to.be.greaterThan(0);
      expect(outcome.desired.subscribers.length).to.be.greaterThan(0);
      expect(await count('customers')).to.equal(0);
      expect(inbox()).to.deep.equal(before);
      const dryPlan = await planOf(dry, outcome.desired);

      const real = await testRunContext(t.db, config, { runId: 'real' });
      const staged = await runImport(real);
      // A real import stages what it accepts: nothing is handed on beside the ledger.
      expect(staged.desired).to.deep.equal({ customers: [], subscribers: [] });
      const customers = (await t.db('customers').pluck('external_id')) as string[];
      expect(customers.sort()).to.deep.equal(
        outcome.desired.customers.map((c) => c.externalId).sort(),
      );
      expect(await count('subscribers')).to.equal(outcome.desired.subscribers.length);

      const fromLedger = await testRunContext(t.db, config, { runId: 'after', dryRun: true });
      const plan = await planOf(fromLedger);
      expect(dryPlan).to.deep.equal(plan);
      expect((plan as { plan: { create: number } }).plan.create).to.equal(
        outcome.desired.customers.length + outcome.desired.subscribers.length,
      );
    });
  });
}
