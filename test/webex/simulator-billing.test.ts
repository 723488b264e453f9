import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { fixedClock } from '../../src/clock/index.ts';
import {
  startSimulator,
  type RunningSimulator,
  type WebexSubscriber,
} from '../../src/webex/simulator/index.ts';
import { aCallingPizzaCustomer, CONFIG, call } from './simulator-support.ts';

const CUSTOMER = aCallingPizzaCustomer({ webex_calling: 10, webex_meetings: 5 });

const DAY = 86_400_000;

interface Report {
  id: string;
  status: string;
  type: string;
  category: string;
  tempDownloadURL?: string;
  errors?: { code: number; description: string }[];
}

describe('simulator: billing reports', function () {
  let clock: ReturnType<typeof fixedClock>;
  let sim: RunningSimulator;

  async function start(over: Partial<typeof CONFIG> = {}) {
    clock = fixedClock('2026-03-01T10:00:00Z');
    sim = await startSimulator({ config: { ...CONFIG, ...over }, clock, stateFile: null });
  }

  /**
   * 1 Mar 10:00: customer and ana (meetings); 3 Mar: bob (meetings); 4 Mar: ana removed; 5 Mar: bob
   * moves to calling; now 6 Mar. A day counts when the package was held at any time of it.
   */
  async function history(): Promise<{ orgId: string; ana: string; bob: string }> {
    const created = await call(sim, 'POST', '/wholesale/customers', CUSTOMER);
    const customerId = (created.headers.get('location') ?? '').split('/').pop() ?? '';
    clock.advance(2000);
    const sub = async (email: string) =>
      (
        await call<WebexSubscriber>(sim, 'POST', '/wholesale/subscribers', {
          customerId,
          email,
          packages: ['webex_meetings'],
          provisioningParameters: { firstName: 'A', lastName: 'B' },
        })
      ).body.id;
    const ana = await sub('ana@pizza.example');
    clock.advance(2 * DAY);
    const bob = await sub('bob@pizza.example');
    clock.advance(DAY);
    expect((await call(sim, 'DELETE', `/wholesale/subscribers/${ana}`)).status).to.equal(204);
    clock.advance(DAY);
    const put = await call(sim, 'PUT', `/wholesale/subscribers/${bob}`, {
      packages: ['webex_calling'],
      provisioningParameters: { extension: '5221' },
    });
    expect(put.status).to.equal(200);
    clock.advance(DAY); // now 6 Mar
    const orgId = sim.state.customers.get(customerId)?.orgId ?? '';
    return { orgId, ana, bob };
  }

  async function createReport(body: Record<string, unknown>) {
    return call<Report & { errors: { description: string }[] }>(
      sim,
      'POST',
      '/wholesale/billing/reports',
      body,
    );
  }

  async function completed(id: string): Promise<Report> {
    for (let i = 0; i < 5; i++) {
      const got = await call<Report>(sim, 'GET', `/wholesale/billing/reports/${id}`);
      if (got.body.status !== 'IN_PROGRESS') return got.body;
    }
    throw new Error('report never left IN_PROGRESS');
  }

  /** A February USER report on a simulator that answers at once: as created, and completed. */
  async function aCompletedFebruaryUserReport() {
    await start({ billingReportPolls: 0 });
    const created = await createReport({
      billingStartDate: '2026-02-01',
      billingEndDate: '2026-02-28',
      type: 'USER',
    });
    return { created, done: await completed(created.body.id) };
  }

  async function download(url: string): Promise<Record<string, string>[]> {
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    return parse(await res.text(), { columns: true }) as Record<string, string>[];
  }

  afterEach(() => sim.close());

  it('when a USER report is created, then it is IN_PROGRESS for one GET, then COMPLETED with the days each user held each package, removed users and package changes included', async () => {
    await start();
    const { orgId, ana, bob } = await history();
    const created = await createReport({
      billingStartDate: '2026-03-01',
      billingEndDate: '2026-03-05',
      type: 'USER',
    });
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ type: 'USER', category: 'RECONCILIATION' });
    const first = await call<Report>(sim, 'GET', `/wholesale/billing/reports/${created.body.id}`);
    expect(first.body.status).to.equal('IN_PROGRESS');
    expect(first.body.tempDownloadURL).to.equal(undefined);
    const done = await completed(created.body.id);
    expect(done.status).to.equal('COMPLETED');
    const rows = await download(done.tempDownloadURL ?? '');
    const view = rows.map((r) => [
      r['Subscriber ID'],
      r['Package'],
      r['Start Date'],
      r['End Date'],
      r['Days'],
    ]);
    expect(view).to.have.deep.members([
      [ana, 'webex_meetings', '2026-03-01', '2026-03-04', '4'],
      [bob, 'webex_meetings', '2026-03-03', '2026-03-05', '3'],
      [bob, 'webex_calling', '2026-03-05', '2026-03-05', '1'],
    ]);
    expect(
      rows.every((r) => r['Customer Org ID'] === orgId && r['Customer External ID'] === 'pizza-1'),
    ).to.equal(true);
  });

  it('when a CUSTOMER report is downloaded, then it counts each package per customer per day', async () => {
    await start({ billingReportPolls: 0 });
    await history();
    const created = await createReport({
      billingStartDate: '2026-03-02',
      billingEndDate: '2026-03-05',
      type: 'CUSTOMER',
    });
    const done = await completed(created.body.id);
    const rows = await download(done.tempDownloadURL ?? '');
    const view = rows.map((r) => `${r['Package']} ${r['Date']} ${r['Quantity']}`).sort();
    expect(view).to.deep.equal([
      'webex_calling 2026-03-05 1',
      'webex_meetings 2026-03-02 1',
      'webex_meetings 2026-03-03 2',
      'webex_meetings 2026-03-04 2',
      'webex_meetings 2026-03-05 1',
    ]);
  });

  it('when the simulator restarts from its state file, then a removed user and its days are still in the USER report', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sim-billing-'));
    const stateFile = path.join(dir, 'state.json');
    clock = fixedClock('2026-03-01T10:00:00Z');
    sim = await startSimulator({ config: CONFIG, clock, stateFile });
    const { ana } = await history();
    await sim.close();
    sim = await startSimulator({ config: { ...CONFIG, billingReportPolls: 0 }, clock, stateFile });
    const created = await createReport({
      billingStartDate: '2026-03-01',
      billingEndDate: '2026-03-05',
      type: 'USER',
    });
    const rows = await download((await completed(created.body.id)).tempDownloadURL ?? '');
    expect(rows.filter((r) => r['Subscriber ID'] === ana).map((r) => r['Days'])).to.deep.equal([
      '4',
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('when billingReportsFail is set, then the report ends FAILED with errors and has no download', async () => {
    await start({ billingReportsFail: true });
    const created = await createReport({
      billingStartDate: '2026-02-01',
      billingEndDate: '2026-02-28',
      type: 'CUSTOMER',
    });
    const done = await completed(created.body.id);
    expect(done.status).to.equal('FAILED');
    expect(done.errors?.length).to.equal(1);
    expect(done.tempDownloadURL).to.equal(undefined);
  });

  it('when the period is invalid, then 400 names the date', async () => {
    await start();
    const reversed = await createReport({
      billingStartDate: '2026-02-10',
      billingEndDate: '2026-02-01',
      type: 'USER',
    });
    expect(reversed.status).to.equal(400);
    expect(reversed.body.errors[0]?.description).to.contain(
      'billingStartDate 2026-02-10 is after billingEndDate 2026-02-01',
    );
    const future = await createReport({
      billingStartDate: '2026-03-01',
      billingEndDate: '2026-04-01',
      type: 'USER',
    });
    expect(future.body.errors[0]?.description).to.contain('in the future');
    const bad = await createReport({
      billingStartDate: '2026-02-30',
      billingEndDate: '2026-03-01',
      type: 'USER',
    });
    expect(bad.body.errors[0]?.description).to.contain(
      "billingStartDate '2026-02-30' is not a date",
    );
  });

  it('when a report of today alone is asked for, then it is a POINT_IN_TIME report', async () => {
    await start();
    const created = await createReport({
      billingStartDate: '2026-03-01',
      billingEndDate: '2026-03-01',
      type: 'USER',
    });
    expect(created.body.category).to.equal('POINT_IN_TIME');
  });

  it('when a report is deleted, then it is gone from the list, GET answers 404 and its download 404', async () => {
    const { created, done } = await aCompletedFebruaryUserReport();
    const listed = await call<{ items: Report[] }>(
      sim,
      'GET',
      '/wholesale/billing/reports?type=USER',
    );
    expect(listed.body.items.map((r) => r.id)).to.deep.equal([created.body.id]);
    expect(
      (await call(sim, 'DELETE', `/wholesale/billing/reports/${created.body.id}`)).status,
    ).to.equal(204);
    expect(
      (await call(sim, 'GET', `/wholesale/billing/reports/${created.body.id}`)).status,
    ).to.equal(404);
    expect((await fetch(done.tempDownloadURL ?? '')).status).to.equal(404);
    const empty = await call<{ items: Report[] }>(sim, 'GET', '/wholesale/billing/reports');
    expect(empty.body.items).to.deep.equal([]);
  });

  it('when the download URL carries a wrong signature, then 404', async () => {
    const { done } = await aCompletedFebruaryUserReport();
    const forged = (done.tempDownloadURL ?? '').replace(/Signature=\w+/, 'Signature=forged');
    expect((await fetch(forged)).status).to.equal(404);
  });
});
