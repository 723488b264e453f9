import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runningClock } from '../../src/clock/index.ts';
import type { Config } from '../../src/config/index.ts';
import { runProvision } from '../../src/provision/index.ts';
import {
  readApplicablePlan,
  readRplReport,
  recordRplContact,
  runDeprovisionApply,
  runDeprovisionPlan,
  runRplRecheck,
} from '../../src/rpl/index.ts';
import type { RunContext } from '../../src/runs/index.ts';
import {
  loadOpenRplChecks,
  observeRplStatus,
  openRplCheck,
  type Db,
} from '../../src/store/index.ts';
import {
  openWebexTargets,
  OutcomeUnknownError,
  type WebexPort,
  type WebexTargets,
} from '../../src/webex/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customerDoc, stageCustomers } from '../support/staging.ts';

const T0 = '2026-03-01T00:00:00.000Z';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

for (const backend of backends()) {
  describe(`rpl: recheck and deprovision against the simulator (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDb;
    let config: Config;
    let clock: ReturnType<typeof runningClock>;
    let targets: WebexTargets | null;

    /** The same workspace (simulator state, reports) with other settings. */
    const withConfig = (over: {
      rplMatch?: string | null;
      orgId?: string;
      cap?: number;
    }): Config => ({
      ...config,
      simulator: {
        ...config.simulator,
        ...(over.rplMatch !== undefined ? { rplMatch: over.rplMatch } : {}),
      },
      partners: over.orgId
        ? { acme: { ...config.partners.acme!, orgId: over.orgId } }
        : config.partners,
      rpl: { ...config.rpl, ...(over.cap ? { deprovisionCap: over.cap } : {}) },
    });
    /** A fresh run over the workspace, with Webex as `cfg` configures it. */
    async function run(cfg: Config = config): Promise<RunContext> {
      await targets?.close();
      targets = await openWebexTargets(cfg, clock, {});
      return testRunContext(t.db, cfg, { clock });
    }
    const port = (): WebexPort => targets!.portFor('acme').port!;
    const named = (externalId: string, name: string, orgId?: string) => ({
      ...customerDoc(externalId),
      name,
      ...(orgId ? { orgId } : {}),
    });
    async function provision(docs: ReturnType<typeof named>[]): Promise<void> {
      const ctx = await run();
      await stageCustomers(t.db, 'acme', ctx.runId, docs);
      await runProvision(ctx, targets!);
    }
    /** The customer's billing address changed: Webex reviews it again (R-RPL-1). */
    async function reviewAgain(row: Record<string, unknown>): Promise<void> {
      await openRplCheck(t.db, {
        partner: 'acme',
        customerId: Number(row.id),
        trigger: 'address_change',
        addressHash: 'h2',
        status: 'pending_rpl_review',
        at: clock.now().toISOString(),
        runId: 'r',
      });
    }
    async function unreachable(externalId: string, times: number): Promise<void> {
      for (let i = 0; i < times; i += 1)
        await recordRplContact(t.db, config, {
          partner: 'acme',
          externalId,
          outcome: 'unreachable',
          note: null,
          now: clock.now(),
          dryRun: false,
        });
    }
    async function planAndApply(
      cfg: Config,
      applyCfg: Config = cfg,
    ): Promise<{ outcomes: Record<string, string>; ctx: RunContext }> {
      const planCtx = await run(cfg);
      const written = await runDeprovisionPlan(planCtx, targets!, null);
      const plan = await readApplicablePlan(t.db, written.jsonPath);
      const ctx = await run(applyCfg);
      await runDeprovisionApply(ctx, targets!, plan);
      return {
        outcomes: Object.fromEntries(
          ctx.tally.rplDeprovisions.map((d) => [d.externalId, d.outcome]),
        ),
        ctx,
      };
    }
    const customerRow = async (db: Db, externalId: string) =>
      (await db('customers').where({ external_id: externalId }).first()) as Record<string, unknown>;

    beforeEach(async () => {
      t = await freshDb(backend);
      targets = null;
      // Runs on in real time: the engine polls Webex on the program's clock.
      clock = runningClock(T0);
      config = testConfig({
        partners: { acme: {} },
        simulator: { provisioningSeconds: 0, rplMatch: '^Blocked' },
        webex: { waitForProvisionedSeconds: 2, pollSeconds: 0.05 },
      });
    });
    afterEach(async () => {
      await targets?.close();
      await t.close();
    });

    it('when a review stays open, then it is overdue after 60 minutes, and once cleared it drops out with each change recorded', async () => {
      await provision([named('c-1', 'Blocked One'), named('c-2', 'Good Two')]);
      expect((await loadOpenRplChecks(t.db, null)).map((c) => c.externalId)).to.deep.equal(['c-1']);

      clock.advance(59 * MIN);
      let ctx = await run();
      await runRplRecheck(ctx, targets!);
      let read = await readRplReport(t.db, config.rpl, {
        partner: null,
        now: clock.now(),
        runId: ctx.runId,
        runStartedAt: clock.now().toISOString(),
      });
      expect(read.counts).to.include({ pending: 1, overdue: 0, nonCompliant: 0 });

      clock.advance(2 * MIN);
      ctx = await run();
      await runRplRecheck(ctx, targets!);
      read = await readRplReport(t.db, config.rpl, {
        partner: null,
        now: clock.now(),
        runId: ctx.runId,
        runStartedAt: clock.now().toISOString(),
      });
      expect(read.counts).to.include({ pending: 1, overdue: 1, nonCompliant: 1 });
      expect(read.report.open[0]).to.include({ externalId: 'c-1', ageMinutes: 61, overdue: true });
      expect(
        existsSync(path.join(config.home, 'reports', ctx.runId, 'deprovision-candidates.csv')),
      ).to.equal(true);

      // The review is approved in Webex: the next re-poll closes the check as cleared.
      clock.advance(20 * MIN);
      const startedAt = clock.now().toISOString();
      ctx = await run(withConfig({ rplMatch: null }));
      const result = await runRplRecheck(ctx, targets!);
      expect(result).to.include({ polled: 1, closed: 1 });
      expect(await loadOpenRplChecks(t.db, null)).to.deep.equal([]);
      read = await readRplReport(t.db, config.rpl, {
        partner: null,
        now: clock.now(),
        runId: ctx.runId,
        runStartedAt: startedAt,
      });
      expect(read.counts).to.include({ pending: 0, cleared: 1, overdue: 0 });
      expect(read.report.closedSinceLastRun.map((c) => [c.externalId, c.reason])).to.deep.include([
        'c-1',
        'cleared',
      ]);
      const changes = (await t
        .db('rpl_status_changes as s')
        .join('rpl_checks as k', 'k.id', 's.check_id')
        .join('customers as c', 'c.id', 'k.customer_id')
        .where('c.external_id', 'c-1')
        .orderBy('s.id')
        .select('s.status', 's.observed_at')) as { status: string; observed_at: string }[];
      expect(changes.map((c) => c.status)).to.deep.equal([
        'provisioning',
        'pending_rpl_review',
        'provisioned',
      ]);
      // Recorded at the time of the re-poll that saw it: within this last run.
      const observed = changes.at(-1)?.observed_at ?? '';
      expect(observed >= startedAt && observed <= clock.now().toISOString(), observed).to.equal(
        true,
      );
    });

    it('when a billing address changes after a cleared check, then a new check opens and stays open while Webex is updating', async () => {
      await provision([named('c-2', 'Good Two')]);
      const customer = await customerRow(t.db, 'c-2');
      const checks = async () =>
        (await t.db('rpl_checks').where({ customer_id: customer.id }).orderBy('id')) as {
          trigger: string;
          closed_at: string | null;
        }[];
      expect((await checks()).map((c) => [c.trigger, c.closed_at !== null])).to.deep.equal([
        ['create', true],
      ]);
      clock.advance(DAY);
      const at = clock.now().toISOString();
      await openRplCheck(t.db, {
        partner: 'acme',
        customerId: Number(customer.id),
        trigger: 'address_change',
        addressHash: 'h2',
        status: 'updating',
        at,
        runId: 'r',
      });
      expect(await observeRplStatus(t.db, Number(customer.id), 'updating', at, 'r')).to.equal(
        'none',
      );
      expect((await checks()).map((c) => [c.trigger, c.closed_at !== null])).to.deep.equal([
        ['create', true],
        ['address_change', false],
      ]);
      // The simulator shows the customer provisioned: the re-poll clears the new check too.
      const ctx = await run();
      await runRplRecheck(ctx, targets!);
      expect((await checks()).map((c) => c.closed_at !== null)).to.deep.equal([true, true]);
    });

    it('when three unreachable attempts make candidates and one clears after the plan, then apply removes only the other', async () => {
      await provision([named('c-1', 'Blocked One'), named('c-3', 'Blocked Three')]);
      clock.advance(2 * DAY);
      await unreachable('c-1', 2);
      await unreachable('c-3', 3);
      let read = await readRplReport(t.db, config.rpl, {
        partner: null,
        now: clock.now(),
        runId: 'x',
        runStartedAt: T0,
      });
      expect(read.counts.deprovisionCandidates).to.equal(1);
      await unreachable('c-1', 1);
      read = await readRplReport(t.db, config.rpl, {
        partner: null,
        now: clock.now(),
        runId: 'x',
        runStartedAt: T0,
      });
      expect(read.counts.deprovisionCandidates).to.equal(2);

      // c-3's review is approved between plan and apply.
      const { outcomes, ctx } = await planAndApply(
        config,
        withConfig({ rplMatch: '^Blocked One' }),
      );
      expect(outcomes).to.deep.equal({ 'c-1': 'deleted', 'c-3': 'skipped_cleared' });
      expect(ctx.tally.customers.deleted).to.equal(1);
      const gone = await customerRow(t.db, 'c-1');
      expect(gone).to.include({
        webex_status: 'deleted',
        desired_action: 'delete',
        webex_id: null,
      });
      const kept = await customerRow(t.db, 'c-3');
      expect(await port().getCustomer(kept.webex_id as string)).to.include({
        status: 'provisioned',
      });
      const recorded = (await t
        .db('rpl_deprovisions')
        .orderBy('id')
        .select('external_id', 'outcome')) as {
        external_id: string;
        outcome: string;
      }[];
      expect(recorded).to.deep.equal([
        { external_id: 'c-1', outcome: 'deleted' },
        { external_id: 'c-3', outcome: 'skipped_cleared' },
      ]);
      const closed = (await t.db('rpl_checks').orderBy('id').select('close_reason')) as {
        close_reason: string;
      }[];
      expect(closed.map((c) => c.close_reason)).to.deep.equal(['deprovisioned', 'cleared']);
    });

    it('when more candidates than the cap, then one apply removes up to the cap and the next apply the rest', async () => {
      await provision([
        named('c-1', 'Blocked One'),
        named('c-2', 'Blocked Two'),
        named('c-3', 'Blocked Three'),
      ]);
      clock.advance(31 * DAY);
      const capped = withConfig({ cap: 2 });
      const planCtx = await run(capped);
      const written = await runDeprovisionPlan(planCtx, targets!, null);
      expect(written.doc.candidates.map((c) => c.reasons)).to.deep.equal([
        ['non_compliant_days'],
        ['non_compliant_days'],
        ['non_compliant_days'],
      ]);
      const plan = await readApplicablePlan(t.db, written.jsonPath);
      let ctx = await run(capped);
      await runDeprovisionApply(ctx, targets!, plan);
      expect(ctx.tally.rplDeprovisions.map((d) => d.outcome)).to.deep.equal([
        'deleted',
        'deleted',
        'skipped_cap',
      ]);
      ctx = await run(capped);
      await runDeprovisionApply(ctx, targets!, plan);
      expect(ctx.tally.rplDeprovisions.map((d) => d.outcome)).to.deep.equal([
        'skipped_done',
        'skipped_done',
        'deleted',
      ]);
      expect(await port().listCustomers()).to.deep.equal([]);
    });

    it("when a candidate is the partner's own organization, then the plan leaves it out and an apply never removes it (R-SELF-1)", async () => {
      // Provisioned first (Webex shows its org id, the ledger keeps it), then reviewed again.
      await provision([named('c-9', 'Later Nine')]);
      const row = await customerRow(t.db, 'c-9');
      const ownOrg = row.webex_org_id as string;
      expect(ownOrg).to.be.a('string');
      config = withConfig({ rplMatch: '^Later' });
      await reviewAgain(row);
      clock.advance(31 * DAY);
      const known = withConfig({ orgId: ownOrg });
      const planCtx = await run(known);
      const written = await runDeprovisionPlan(planCtx, targets!, null);
      expect(written.doc.candidates).to.deep.equal([]);
      expect(written.doc.excluded[0]?.why).to.contain("partner's own organization");

      // A plan written while the own org was configured wrongly, applied once it is right.
      const { outcomes } = await planAndApply(withConfig({ orgId: 'ORG-OTHER' }), known);
      expect(outcomes).to.deep.equal({ 'c-9': 'skipped_own_org' });
      expect(await port().getCustomer(row.webex_id as string)).to.include({
        status: 'pending_rpl_review',
      });
    });

    it('when a provisioned customer with users goes back under review, then apply removes the customer and all its users', async () => {
      await provision([named('c-5', 'Later Five')]);
      const row = await customerRow(t.db, 'c-5');
      const webexId = row.webex_id as string;
      for (const email of ['a@five.example', 'b@five.example'])
        await port().createSubscriber({
          customerId: webexId,
          email,
          packages: ['webex_meetings'],
          provisioningParameters: { firstName: 'A', lastName: 'B' },
        });
      // A new billing address: Webex reviews the customer again (R-RPL-1) and the check opens.
      config = withConfig({ rplMatch: '^Later' });
      await run();
      await reviewAgain(row);
      clock.advance(DAY);
      await unreachable('c-5', 3);
      const planCtx = await run();
      const written = await runDeprovisionPlan(planCtx, targets!, null);
      expect(written.doc.candidates[0]?.users.map((u) => u.email)).to.deep.equal([
        'a@five.example',
        'b@five.example',
      ]);
      const csv = readFileSync(written.csvPath, 'utf8');
      expect(csv).to.contain('a@five.example; b@five.example');
      const ctx = await run();
      await runDeprovisionApply(ctx, targets!, await readApplicablePlan(t.db, written.jsonPath));
      expect(ctx.tally.rplDeprovisions).to.deep.equal([
        {
          partner: 'acme',
          externalId: 'c-5',
          outcome: 'deleted',
          subscribersDeleted: 2,
          message: null,
        },
      ]);
      expect(ctx.tally.subscribers.deleted).to.equal(2);
      expect(await port().listSubscribers({ customerId: webexId })).to.deep.equal([]);
      expect(await port().getCustomer(webexId)).to.equal(null);
    });

    it('when the delete of a candidate reaches Webex but its answer is lost, then apply looks it up and reports it deleted, not still there', async () => {
      await provision([named('c-6', 'Later Six')]);
      const row = await customerRow(t.db, 'c-6');
      config = withConfig({ rplMatch: '^Later' });
      await run();
      await reviewAgain(row);
      clock.advance(DAY);
      await unreachable('c-6', 3);
      const written = await runDeprovisionPlan(await run(), targets!, null);
      const ctx = await run();
      // Webex carries the delete out; the answer never comes back (a timeout, a cut connection).
      const real = port();
      const lossy: WebexPort = {
        ...real,
        listSubscribers: (q) => real.listSubscribers(q),
        getCustomer: (id) => real.getCustomer(id),
        deleteCustomer: async (id) => {
          await real.deleteCustomer(id);
          throw new OutcomeUnknownError('answer lost', {
            status: null,
            trackingId: 'T-lost',
            description: 'timeout',
          });
        },
      };
      const lossyTargets = { ...targets!, portFor: () => ({ port: lossy }) } as WebexTargets;
      await runDeprovisionApply(
        ctx,
        lossyTargets,
        await readApplicablePlan(t.db, written.jsonPath),
      );
      expect(ctx.tally.rplDeprovisions.map((d) => [d.externalId, d.outcome])).to.deep.equal([
        ['c-6', 'deleted'],
      ]);
      expect(await real.getCustomer(row.webex_id as string)).to.equal(null);
    });
  });
}
