import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import { runProvision } from '../../src/provision/index.ts';
import { runReconcile } from '../../src/reconcile/index.ts';
import type { Db } from '../../src/store/index.ts';
import {
  HttpWebexClient,
  RateLimiter,
  type WebexPort,
  type WebexTargets,
} from '../../src/webex/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customerDoc, stageCustomers } from '../support/staging.ts';
import { call, CONFIG, CUSTOMER } from '../webex/simulator-support.ts';

const HOUR_MS = 3_600_000;

function client(sim: RunningSimulator, token: string): WebexPort {
  return new HttpWebexClient({
    baseUrl: sim.url,
    token,
    timeoutMs: 5000,
    concurrency: 4,
    limiter: new RateLimiter({ requestsPerSecond: 1000 }),
    budget: { remaining: 100 },
  });
}

/** The ledger tables reconcile must never touch, as rows. */
async function ledgerSnapshot(db: Db): Promise<unknown[]> {
  return Promise.all(
    ['customers', 'subscribers', 'changes', 'rpl_checks'].map((t) => db(t).orderBy('id')),
  );
}

for (const backend of backends()) {
  describe(`reconcile: runReconcile against the simulator (${backend})`, () => {
    let t: TestDb;
    let sim: RunningSimulator;
    afterEach(async () => {
      await sim?.close();
      await t?.close();
    });

    it('when Webex was changed behind the tool, then each change shows in its category, a refused partner is noted and the ledger is untouched', async function () {
      this.timeout(60_000);
      t = await freshDb(backend);
      // The simulator's clock can be moved an hour on, so that its changes settle at once.
      let skew = 0;
      const simClock = createClock(null, () => Date.now() + skew);
      sim = await startSimulator({
        config: { ...CONFIG, provisioningSeconds: 0.1 },
        clock: simClock,
        stateFile: null,
        port: 0,
      });
      // Alpha and beta have tokens of their own, so they are separate views of Webex.
      const config = testConfig({
        partners: {
          alpha: { orgId: 'ORG-ALPHA-SELF', webex: { baseUrl: sim.url, tokenEnv: 'ALPHA_TOKEN' } },
          beta: { webex: { baseUrl: sim.url, tokenEnv: 'BETA_TOKEN' } },
        },
        webex: { pollSeconds: 0.1, waitForProvisionedSeconds: 10 },
      });
      const ctx = await testRunContext(t.db, config, { clock: createClock(null) });
      await stageCustomers(t.db, 'alpha', ctx.runId, ['a-1', 'a-2', 'a-3'].map(customerDoc));
      await stageCustomers(t.db, 'beta', ctx.runId, [customerDoc('b-1')]);
      const ports: Record<string, WebexPort> = {
        alpha: client(sim, 'alpha-token'),
        beta: client(sim, 'beta-token'),
      };
      const targets: WebexTargets = {
        portFor: (partner) => ({ port: ports[partner] as WebexPort }),
        describe: () => 'test',
        close: () => Promise.resolve(),
      };
      await runProvision(ctx, targets);
      expect(ctx.tally.customers.created).to.equal(4);
      const idOf = (externalId: string) =>
        [...sim.state.customers.values()].find((c) => c.externalId === externalId)?.id as string;

      // Behind the tool's back: a new customer, a changed address, a deleted customer, the own org.
      expect(
        (await call(sim, 'POST', '/wholesale/customers', { ...CUSTOMER, externalId: 'stray' }))
          .status,
      ).to.equal(202);
      const a2 = (
        await call<{ address: object }>(sim, 'GET', `/wholesale/customers/${idOf('a-2')}`)
      ).body;
      const moved = { ...a2.address, city: 'Dallas' };
      expect(
        (
          await call(sim, 'PUT', `/wholesale/customers/${idOf('a-2')}`, {
            packages: ['webex_meetings'],
            address: moved,
          })
        ).status,
      ).to.equal(202);
      expect((await call(sim, 'DELETE', `/wholesale/customers/${idOf('a-3')}`)).status).to.equal(
        202,
      );
      const { customerInfo: _, ...attach } = CUSTOMER;
      expect(
        (
          await call(sim, 'POST', '/wholesale/customers', {
            ...attach,
            externalId: 'alpha-self',
            orgId: 'ORG-ALPHA-SELF',
          })
        ).status,
      ).to.equal(202);
      skew = HOUR_MS;

      // Beta's token is now refused; alpha's view is the whole simulator, beta's customer included.
      ports.beta = client(sim, '');
      const before = await ledgerSnapshot(t.db);
      const callsBefore = sim.stats().byOperation;
      await runReconcile(ctx, targets);

      expect(
        ctx.tally.notes.filter((n) => n.startsWith('partner beta: Webex refused its token')),
      ).to.have.length(1);
      const lines = ctx.tally.reconciliation.map((l) => [
        l.partner,
        l.key,
        l.category,
        l.reason,
        l.diffs.map((d) => d.field).join(),
      ]);
      // The run keeps what differs for the report; reconciliation.csv has every line.
      expect(lines).to.deep.equal([
        ['alpha', 'a-2', 'drifted', 'differs', 'address.city'],
        ['alpha', 'a-3', 'missingInWebex', 'goneFromWebex', ''],
        ['alpha', 'alpha-self', 'partnerOwnOrg', 'ownOrg', ''],
        // b-1 is beta's, but alpha's token is another view: to alpha it is a stranger.
        ['alpha', 'b-1', 'orphansInWebex', 'notInSheets', ''],
        ['alpha', 'stray', 'orphansInWebex', 'notInSheets', ''],
      ]);
      expect(ctx.tally.reconcile).to.deep.equal({
        inSync: 1,
        drifted: 1,
        missingInWebex: 1,
        orphansInWebex: 2,
        parked: 0,
        partnerOwnOrg: 1,
      });
      const csv = parse(
        await readFile(path.join(config.home, 'reports', ctx.runId, 'reconciliation.csv')),
        { bom: true, from_line: 2 },
      ) as string[][];
      expect(csv.map((r) => [r[0], r[2], r[4]])).to.deep.equal([
        ['alpha', 'a-1', 'inSync'],
        ['alpha', 'a-2', 'drifted'],
        ['alpha', 'a-3', 'missingInWebex'],
        ['alpha', 'alpha-self', 'partnerOwnOrg'],
        ['alpha', 'b-1', 'orphansInWebex'],
        ['alpha', 'stray', 'orphansInWebex'],
      ]);
      // Contract §4: drift and orphans need a person.
      expect(ctx.tally.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
        ['drift', 'alpha', 1],
        ['orphans', 'alpha', 2],
      ]);
      expect(await ledgerSnapshot(t.db)).to.deep.equal(before);
      // Read-only towards Webex: only lists were asked for.
      const callsAfter = sim.stats().byOperation;
      const grew = Object.keys(callsAfter).filter((op) => callsAfter[op] !== callsBefore[op]);
      expect(grew.sort()).to.deep.equal(['GET /wholesale/customers', 'GET /wholesale/subscribers']);
    });
  });
}
