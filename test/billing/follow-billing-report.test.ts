import { expect } from 'chai';
import { fixedClock } from '../../src/clock/index.ts';
import {
  followBillingReport,
  releaseBillingReport,
  type FollowedReport,
} from '../../src/billing/follow-billing-report.ts';
import { readBillingUserReport } from '../../src/billing/read-billing-report.ts';
import { readBillingReportEntry, type BillingReportKey } from '../../src/store/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { CONFIG } from '../webex/simulator-support.ts';
import { clientOf, failureOf, seedWebexUser } from './support.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

const KEY: BillingReportKey = {
  partner: 'acme',
  type: 'USER',
  start: '2026-02-01',
  end: '2026-02-28',
};
const FAST = { waitSeconds: 5, pollSeconds: 0.01 };

/** The Webex id of the report followed ('' when a dry run asked for none). */
const idOf = (r: FollowedReport) => (r.state === 'not_asked' ? '' : r.webexReportId);

for (const backend of backends()) {
  describe(`billing reports: create, follow, resume, download, delete (${backend})`, function () {
    let t: TestDb;
    let sim: RunningSimulator;
    const clock = fixedClock('2026-03-02T06:00:00Z');

    async function start(over: Partial<typeof CONFIG> = {}) {
      sim = await startSimulator({ config: { ...CONFIG, ...over }, clock, stateFile: null });
    }

    function deps(runId: string, subPartner: string | null = null) {
      return {
        db: t.db,
        port: clientOf(sim, subPartner),
        runId,
        now: () => clock.now().toISOString(),
        signal: new AbortController().signal,
      };
    }

    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await sim.close();
      await t.close();
    });

    /** A customer with one user since January, straight into the simulator's state. */
    function seedOneUser() {
      seedWebexUser(sim, {
        email: 'Ana@acme.example',
        orgId: 'ORG-ACME',
        since: '2026-01-10T00:00:00Z',
      });
    }

    it('when the report completes within the wait, then it is downloaded as CSV, deleted in Webex, and the ledger says deleted', async () => {
      await start({ billingReportPolls: 2 });
      seedOneUser();
      const d = deps('run-1');
      const got = await followBillingReport(d, KEY, FAST);
      expect(got).to.include({ state: 'completed', resumed: false });
      if (got.state !== 'completed') return;
      expect((await readBillingReportEntry(t.db, KEY))?.status).to.equal('COMPLETED');
      const lines = [];
      for await (const l of readBillingUserReport(await d.port.downloadBillingReport(got.url)))
        lines.push(l);
      expect(lines.map((l) => [l.email, l.package, l.customerOrgId, l.days])).to.deep.equal([
        ['ana@acme.example', 'webex_meetings', 'ORG-ACME', 28],
      ]);
      await releaseBillingReport(d, KEY, got.webexReportId, true);
      expect(sim.state.billingReports.size).to.equal(0);
      expect(await readBillingReportEntry(t.db, KEY)).to.include({
        status: 'deleted',
        webexReportId: got.webexReportId,
      });
    });

    it('when a run stops waiting while the report is IN_PROGRESS, then the next run follows the same report and creates no second one', async () => {
      await start({ billingReportPolls: 3 });
      const first = await followBillingReport(deps('run-1'), KEY, {
        waitSeconds: 0,
        pollSeconds: 1,
      });
      expect(first.state).to.equal('in_progress');
      expect(await readBillingReportEntry(t.db, KEY)).to.include({
        status: 'IN_PROGRESS',
        webexReportId: idOf(first),
        runId: 'run-1',
      });
      const second = await followBillingReport(deps('run-2'), KEY, FAST);
      expect(second).to.include({
        state: 'completed',
        resumed: true,
        webexReportId: idOf(first),
      });
      expect(sim.stats().byOperation['POST /wholesale/billing/reports']).to.equal(1);
    });

    it('when the report ends FAILED, then the reason is kept and the next run asks for a new report', async () => {
      await start({ billingReportsFail: true, billingReportPolls: 0 });
      const failed = await followBillingReport(deps('run-1'), KEY, FAST);
      expect(failed.state).to.equal('failed');
      if (failed.state !== 'failed') return;
      expect(failed.message).to.contain('Billing report generation failed');
      expect(await readBillingReportEntry(t.db, KEY)).to.include({ status: 'FAILED' });
      const again = await followBillingReport(deps('run-2'), KEY, FAST);
      expect(idOf(again)).to.not.equal(failed.webexReportId);
      expect(sim.stats().byOperation['POST /wholesale/billing/reports']).to.equal(2);
    });

    it('when Webex no longer has the report the ledger holds, then a new one is asked for', async () => {
      await start({ billingReportPolls: 5 });
      const first = await followBillingReport(deps('run-1'), KEY, {
        waitSeconds: 0,
        pollSeconds: 1,
      });
      sim.state.billingReports.delete(idOf(first));
      const second = await followBillingReport(deps('run-2'), KEY, {
        waitSeconds: 0,
        pollSeconds: 1,
      });
      expect(second).to.include({ state: 'in_progress', resumed: false });
      expect(idOf(second)).to.not.equal(idOf(first));
    });

    describe('a create whose answer was lost', () => {
      let proxy: FaultProxy | null = null;
      afterEach(async () => {
        await proxy?.close();
        proxy = null;
      });
      const CREATE = 'POST /wholesale/billing/reports';
      const isCreate = (r: { method: string; path: string }) =>
        r.method === 'POST' && r.path.endsWith('/wholesale/billing/reports');
      const isList = (r: { method: string; path: string }) =>
        r.method === 'GET' && /\/wholesale\/billing\/reports\?/.test(r.path);

      it('when Webex made the report but its answer was lost, then the list finds it and no second report is asked for', async () => {
        await start({ billingReportPolls: 1 });
        proxy = await startFaultProxy(sim.url, (r) => (isCreate(r) ? 'lose-answer' : 'pass'));
        const got = await followBillingReport(
          { ...deps('run-1'), port: clientOf(proxy) },
          KEY,
          FAST,
        );
        expect(got).to.include({ state: 'completed' });
        expect(sim.stats().byOperation[CREATE]).to.equal(1);
        expect([...sim.state.billingReports.keys()]).to.deep.equal([idOf(got)]);
        expect(await readBillingReportEntry(t.db, KEY)).to.include({
          status: 'COMPLETED',
          webexReportId: idOf(got),
        });
      });

      it('when the lookup after a lost answer fails too, then nothing is sent again, and the next run finds the report before it asks', async () => {
        await start({ billingReportPolls: 1 });
        proxy = await startFaultProxy(sim.url, (r) =>
          isCreate(r)
            ? 'lose-answer'
            : isList(r)
              ? { status: 503, body: { message: 'busy', trackingId: 'T-503' } }
              : 'pass',
        );
        const lost = await failureOf(
          followBillingReport({ ...deps('run-1'), port: clientOf(proxy) }, KEY, FAST),
        );
        // The lookup's own failure ends this run's try: nothing is sent again now.
        expect(lost?.name).to.equal('TransientError');
        expect(sim.stats().byOperation[CREATE]).to.equal(1);
        expect(await readBillingReportEntry(t.db, KEY)).to.include({ status: 'REQUESTED' });

        const next = await followBillingReport(deps('run-2'), KEY, FAST);
        expect(next).to.include({ state: 'completed', resumed: true });
        expect(sim.stats().byOperation[CREATE]).to.equal(1);
        expect([...sim.state.billingReports.keys()]).to.deep.equal([idOf(next)]);
      });

      it('when the create was refused outright, then the next run looks, finds none, and asks again', async () => {
        await start({ billingReportPolls: 0 });
        proxy = await startFaultProxy(sim.url, (r) =>
          isCreate(r)
            ? { status: 400, body: { message: 'bad period', trackingId: 'T-400' } }
            : 'pass',
        );
        const refused = await failureOf(
          followBillingReport({ ...deps('run-1'), port: clientOf(proxy) }, KEY, FAST),
        );
        expect(refused?.name).to.equal('PermanentError');
        const next = await followBillingReport(deps('run-2'), KEY, FAST);
        expect(next).to.include({ state: 'completed', resumed: false });
        expect(sim.stats().byOperation[CREATE]).to.equal(1);
      });
    });

    it('when the partner has a sub-partner org, then the report is asked for on its behalf', async () => {
      await start({ billingReportPolls: 0 });
      const got = await followBillingReport(deps('run-1', 'SUB-ORG-1'), KEY, FAST);
      expect(sim.state.billingReports.get(idOf(got))?.subPartnerOrgId).to.equal('SUB-ORG-1');
    });

    it('when deleting reports is off, then the report stays in Webex and the next run reads the same one', async () => {
      await start({ billingReportPolls: 0 });
      const d = deps('run-1');
      const got = await followBillingReport(d, KEY, FAST);
      await releaseBillingReport(d, KEY, idOf(got), false);
      expect(sim.state.billingReports.size).to.equal(1);
      const next = await followBillingReport(deps('run-2'), KEY, FAST);
      expect(next).to.include({ resumed: true, webexReportId: idOf(got) });
    });

    it('when a dry run knows no report of the period, then it asks Webex for none, writes no ledger row and says so', async () => {
      await start({ billingReportPolls: 0 });
      const got = await followBillingReport({ ...deps('dry-1'), dryRun: true }, KEY, FAST);
      expect(got.state).to.equal('not_asked');
      if (got.state !== 'not_asked') return;
      expect(got.reason).to.contain('a dry run asks for none');
      expect(sim.state.billingReports.size).to.equal(0);
      expect(sim.stats().byOperation['POST /wholesale/billing/reports'] ?? 0).to.equal(0);
      expect(await readBillingReportEntry(t.db, KEY)).to.equal(null);
    });

    it('when a dry run finds the COMPLETED report a real run left, then it reads that one and deletes nothing in Webex or the ledger', async () => {
      await start({ billingReportPolls: 0 });
      seedOneUser();
      const real = await followBillingReport(deps('run-1'), KEY, FAST);
      expect(real.state).to.equal('completed');
      const d = { ...deps('dry-1'), dryRun: true };
      const dry = await followBillingReport(d, KEY, FAST);
      expect(dry).to.include({ state: 'completed', webexReportId: idOf(real) });
      if (dry.state !== 'completed') return;
      const lines = [];
      for await (const l of readBillingUserReport(await d.port.downloadBillingReport(dry.url)))
        lines.push(l.email);
      expect(lines).to.deep.equal(['ana@acme.example']);
      await releaseBillingReport(d, KEY, dry.webexReportId, true);
      expect(sim.state.billingReports.size).to.equal(1);
      expect(sim.stats().byOperation['POST /wholesale/billing/reports']).to.equal(1);
      expect(sim.stats().byOperation['DELETE /wholesale/billing/reports/{id}'] ?? 0).to.equal(0);
      expect(await readBillingReportEntry(t.db, KEY)).to.include({
        status: 'COMPLETED',
        runId: 'run-1',
      });
    });

    it('when a dry run finds the report still IN_PROGRESS, then it does not wait and says so', async () => {
      await start({ billingReportPolls: 5 });
      const real = await followBillingReport(deps('run-1'), KEY, {
        waitSeconds: 0,
        pollSeconds: 1,
      });
      const dry = await followBillingReport({ ...deps('dry-1'), dryRun: true }, KEY, FAST);
      expect(dry.state).to.equal('not_asked');
      if (dry.state !== 'not_asked') return;
      expect(dry.reason).to.contain(`Webex is still making report ${idOf(real)}`);
      expect(await readBillingReportEntry(t.db, KEY)).to.include({ runId: 'run-1' });
    });
  });
}
