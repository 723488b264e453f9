// The engine's flows end to end (issue #6): partner sheets dropped into an inbox, `rtm-batch nightly`
// in its own process, the simulator in this one on a loopback port (so a test can put Calling under
// maintenance or let a pending user consent), the ledger on SQLite or PostgreSQL.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import type { SimulatorConfig } from '../../src/config/index.ts';
import { validateSummary, type ChangeCounts, type Summary } from '../../src/reports/index.ts';
import {
  customerStatusAt,
  lifecyclePolicy,
  startSimulator,
  subscriberKey,
  type CustomerRecord,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/webex/simulator/index.ts';
import { tempHome } from '../support/cli.ts';
import { backends, freshDb, type Backend, type TestDb } from '../support/db.ts';
import { runRtm, workspace, type Workspace } from './engine-support.ts';
import { RESULT_COLUMNS } from '../../src/results/index.ts';

const SIM_CONFIG: SimulatorConfig = {
  rateLimitPerSecond: 1000,
  latencyMs: 0,
  faultRate: 0,
  rplMatch: null,
  rplReviewMinutes: 0,
  provisioningSeconds: 0.2,
};

const CUSTOMER_HEADER =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,' +
  'Packages,Limit webex_calling,Limit webex_meetings,Provisioning ID,Location name,Location time zone,' +
  'Location language,Action';
const SUBSCRIBER_HEADER = 'Customer external ID,Email,First name,Last name,Package,Admin,Action';
const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';

interface CustomerCells {
  street?: string;
  /** Separated by `|`; a calling package brings a calling location (R-CALL-1). */
  packages?: string;
  limitCalling?: number;
  limitMeetings?: number;
  action?: 'upsert' | 'delete';
}

/** One customers row: a US customer on Meetings unless told otherwise. */
function customerLine(id: string, cells: CustomerCells = {}): string {
  const packages = cells.packages ?? 'webex_meetings';
  const calling = packages.includes('calling');
  return [
    id,
    `Customer ${id}`,
    `admin@${id}.example`,
    cells.street ?? '1 Main St',
    'Austin',
    'TX',
    '78701',
    'US',
    packages,
    cells.limitCalling ?? '',
    cells.limitMeetings ?? '',
    PROVISIONING_ID,
    calling ? 'Head Office' : '',
    calling ? 'America/Chicago' : '',
    calling ? 'en_us' : '',
    cells.action ?? '',
  ].join(',');
}

/** One subscribers row on Meetings. */
function subscriberLine(customer: string, email: string, action = ''): string {
  return [customer, email, 'Test', 'User', 'webex_meetings', 'no', action].join(',');
}

/** Drops a sheet into the partner's inbox, old enough to be picked up at once. */
function drop(ws: Workspace, name: string, lines: string[]): void {
  const inbox = path.join(ws.home, 'inbox', 'acme');
  mkdirSync(inbox, { recursive: true });
  const file = path.join(inbox, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
}

/** `rtm-batch nightly --json` in its own process; the summary is checked against the schema. */
/** A summary's change counts: the ones given, every other one 0. */
function counts(over: Partial<Record<keyof ChangeCounts, number>>): ChangeCounts {
  return { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, pending: 0, ...over };
}

async function nightly(ws: Workspace): Promise<{ code: number | null; summary: Summary }> {
  const res = await runRtm(ws, ['nightly', '--json']);
  expect(res.stdout, res.stderr).to.not.equal('');
  const summary = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(summary)).to.deep.equal([]);
  return { code: res.code, summary };
}

/** The rows of a sheet's results file in outbox/, by their header names. */
function resultsOf(ws: Workspace, name: string): Record<string, string>[] {
  const text = readFileSync(path.join(ws.home, 'outbox', 'acme', `${name}.results.csv`), 'utf8');
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

/** A first night in which customer own-1's user takes taken@shared.example in Webex. */
async function takeSharedEmail(ws: Workspace): Promise<void> {
  drop(ws, 'customers.csv', [CUSTOMER_HEADER, customerLine('own-1')]);
  drop(ws, 'subscribers.csv', [SUBSCRIBER_HEADER, subscriberLine('own-1', 'taken@shared.example')]);
  expect((await nightly(ws)).code).to.equal(0);
}

function resultRow(
  rows: Record<string, string>[],
  column: string,
  value: string,
): Record<string, string> {
  const row = rows.find((r) => r[column] === value);
  expect(row, `results row ${column}=${value}`).to.not.equal(undefined);
  return row as Record<string, string>;
}

/** The simulator's customers with this externalId that are not deleted. */
function liveCustomers(sim: RunningSimulator, externalId: string): CustomerRecord[] {
  const policy = lifecyclePolicy(SIM_CONFIG);
  return [...sim.state.customers.values()].filter(
    (c) => c.externalId === externalId && customerStatusAt(c, Date.now(), policy) !== 'gone',
  );
}

function onlyCustomer(sim: RunningSimulator, externalId: string): CustomerRecord {
  const live = liveCustomers(sim, externalId);
  expect(live, `customers ${externalId} in the simulator`).to.have.length(1);
  return live[0] as CustomerRecord;
}

interface ChangeRow {
  id: number;
  entity: string;
  entity_key: string;
  action: string;
  status: string;
  outcome: string | null;
  idempotency_key: string;
  error_code: string | null;
  created_at: string;
  updated_at: string;
}

for (const backend of backends()) {
  describe(`provision flows end to end: update, delete, 2560, pending user, refusal (${backend})`, function () {
    this.timeout(120_000);
    let sim: RunningSimulator | null = null;
    let ws: Workspace | null = null;
    let pg: TestDb | null = null;
    let stateFile = '';

    afterEach(async () => {
      await sim?.close();
      sim = null;
      if (pg) await pg.close();
      else await ws?.db.destroy();
      pg = null;
      ws = null;
    });

    /** A simulator on loopback keeping its state in a file, and a workspace pointed at it. */
    async function setUp(
      options: Partial<SimulatorOptions> = {},
    ): Promise<{ sim: RunningSimulator; ws: Workspace }> {
      stateFile = path.join(tempHome('rtm-flows-sim-'), 'state.json');
      sim = await startSimulator({
        config: SIM_CONFIG,
        clock: createClock(null),
        stateFile,
        ...options,
      });
      ws = await openWorkspace(backend, sim.url);
      return { sim, ws };
    }

    async function openWorkspace(b: Backend, simUrl: string): Promise<Workspace> {
      if (b === 'sqlite') return workspace(simUrl);
      pg = await freshDb('pg');
      const url = new URL(process.env.DATABASE_URL as string);
      url.searchParams.set('options', `-c search_path=${pg.searchPath}`);
      const w = await workspace(simUrl, { database: { client: 'pg', connection: url.toString() } });
      await w.db.destroy();
      w.db = pg.db;
      return w;
    }

    /** Stops the simulator (its state is saved) and starts it again on the same port. */
    async function restartSim(options: Partial<SimulatorOptions>): Promise<RunningSimulator> {
      const port = (sim as RunningSimulator).port;
      await (sim as RunningSimulator).close();
      sim = await startSimulator({
        config: SIM_CONFIG,
        clock: createClock(null),
        stateFile,
        port,
        ...options,
      });
      return sim;
    }

    async function changesOf(w: Workspace, key: string): Promise<ChangeRow[]> {
      return (await w.db('changes').where({ entity_key: key }).orderBy('id')) as ChangeRow[];
    }

    it('when a second sheet changes packages, limits and an address, then Webex gets the full new list and limits, the rows say updated, and the move opens an address_change RPL check (R-RPL-1)', async () => {
      const { sim, ws } = await setUp();
      drop(ws, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('upd-pkg', { limitMeetings: 10 }),
        customerLine('upd-move'),
        customerLine('upd-same'),
      ]);
      const first = await nightly(ws);
      expect(first.code).to.equal(0);
      expect(first.summary.customers).to.include({ created: 3, failed: 0, pending: 0 });

      drop(ws, 'customers-2.csv', [
        CUSTOMER_HEADER,
        customerLine('upd-pkg', {
          packages: 'webex_meetings|webex_calling',
          limitCalling: 5,
          limitMeetings: 20,
        }),
        customerLine('upd-move', { street: '200 Congress Ave' }),
        customerLine('upd-same'),
      ]);
      const second = await nightly(ws);
      expect(second.code).to.equal(0);
      expect(second.summary.customers).to.deep.equal(counts({ updated: 2, unchanged: 1 }));

      // PUT replaces the whole package list: both packages and both limits are there.
      const pkg = onlyCustomer(sim, 'upd-pkg');
      expect([...pkg.packages].sort()).to.deep.equal(['webex_calling', 'webex_meetings']);
      expect(pkg.provisioningParameters?.packages?.limits).to.deep.equal({
        webex_calling: 5,
        webex_meetings: 20,
      });
      expect(onlyCustomer(sim, 'upd-move').address.addressLine1).to.equal('200 Congress Ave');
      const stats = sim.stats();
      expect(stats.createsByExternalId).to.deep.equal({
        'upd-pkg': 1,
        'upd-move': 1,
        'upd-same': 1,
      });
      expect(stats.byOperation['PUT /wholesale/customers/{customerId}']).to.equal(2);

      const rows = resultsOf(ws, 'customers-2.csv');
      for (const id of ['upd-pkg', 'upd-move'])
        expect(resultRow(rows, 'External ID', id)).to.include({
          result: 'updated',
          code: '',
          webex_id: onlyCustomer(sim, id).id,
        });
      // The row matches Webex: its result says so, as the summary counts it.
      expect(resultRow(rows, 'External ID', 'upd-same').result).to.equal('unchanged');

      const checks = (await ws
        .db('rpl_checks as r')
        .join('customers as c', 'c.id', 'r.customer_id')
        .orderBy('r.id')
        .select('c.external_id as customer', 'r.trigger as trigger')) as {
        customer: string;
        trigger: string;
      }[];
      expect(checks.filter((c) => c.trigger === 'address_change')).to.deep.equal([
        { customer: 'upd-move', trigger: 'address_change' },
      ]);
      expect(checks.filter((c) => c.trigger === 'create')).to.have.length(3);
    });

    it('when a customer row says delete, then its users are deleted first, then the customer, and Webex holds none of them; a subscriber row can say delete too', async () => {
      const { sim, ws } = await setUp();
      drop(ws, 'customers.csv', [CUSTOMER_HEADER, customerLine('del-1'), customerLine('keep-1')]);
      drop(ws, 'subscribers.csv', [
        SUBSCRIBER_HEADER,
        subscriberLine('del-1', 'a@del-1.example'),
        subscriberLine('del-1', 'b@del-1.example'),
        subscriberLine('keep-1', 'c@keep-1.example'),
        subscriberLine('keep-1', 'd@keep-1.example'),
      ]);
      const first = await nightly(ws);
      expect(first.code).to.equal(0);
      expect(first.summary.subscribers).to.include({ created: 4, failed: 0, pending: 0 });
      const gone = onlyCustomer(sim, 'del-1');

      drop(ws, 'customers-2.csv', [CUSTOMER_HEADER, customerLine('del-1', { action: 'delete' })]);
      drop(ws, 'subscribers-2.csv', [
        SUBSCRIBER_HEADER,
        subscriberLine('keep-1', 'd@keep-1.example', 'delete'),
      ]);
      const second = await nightly(ws);
      expect(second.code).to.equal(0);
      expect(second.summary.customers).to.deep.equal(counts({ unchanged: 1, deleted: 1 }));
      expect(second.summary.subscribers).to.deep.equal(counts({ unchanged: 1, deleted: 3 }));

      expect(liveCustomers(sim, 'del-1')).to.deep.equal([]);
      expect(sim.state.subscribers.ofCustomer(gone.id)).to.deep.equal([]);
      const left = [...sim.state.subscribers.values()].map((s) => s.email);
      expect(left).to.deep.equal(['c@keep-1.example']);
      // Each user was deleted by its own call, not swept away with its customer.
      const ops = sim.stats().byOperation;
      expect(ops['DELETE /wholesale/subscribers/{subscriberId}']).to.equal(3);
      expect(ops['DELETE /wholesale/customers/{customerId}']).to.equal(1);

      // The customer's delete was planned only once both of its users' deletes were done.
      const customerDelete = (await changesOf(ws, 'del-1')).find((c) => c.action === 'delete');
      expect(customerDelete).to.include({ status: 'done', outcome: 'deleted' });
      for (const email of ['a@del-1.example', 'b@del-1.example']) {
        const [userDelete] = (await changesOf(ws, `del-1/${email}`)).filter(
          (c) => c.action === 'delete',
        );
        expect(userDelete).to.include({ status: 'done', outcome: 'deleted' });
        expect(Date.parse(userDelete!.updated_at)).to.be.at.most(
          Date.parse(customerDelete!.created_at),
        );
        expect(userDelete!.id).to.be.below(customerDelete!.id);
      }

      expect(resultRow(resultsOf(ws, 'customers-2.csv'), 'External ID', 'del-1')).to.include({
        result: 'deleted',
        code: '',
      });
      expect(resultRow(resultsOf(ws, 'subscribers-2.csv'), 'Email', 'd@keep-1.example')).to.include(
        { result: 'deleted', code: '' },
      );
    });

    it('when Calling is under maintenance, then the calling customer ends pending with 2560, and after it a later run retries under a new key and the customer is provisioned, created once', async () => {
      const { sim: during, ws } = await setUp({ provisionedWithErrors2560: true });
      drop(ws, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('maint-1', {
          packages: 'webex_calling|webex_meetings',
          limitCalling: 5,
          limitMeetings: 5,
        }),
      ]);
      const first = await nightly(ws);
      expect(first.code).to.equal(0);
      expect(first.summary.customers).to.deep.equal(counts({ pending: 1 }));
      const pendingRow = resultRow(resultsOf(ws, 'customers.csv'), 'External ID', 'maint-1');
      expect(pendingRow).to.include({ result: 'pending', code: 'WEBEX_2560' });
      expect(pendingRow.message).to.contain('2560');
      const [create] = await changesOf(ws, 'maint-1');
      expect(create).to.include({
        action: 'create',
        status: 'done',
        outcome: 'pending',
        error_code: '2560',
      });
      expect(onlyCustomer(during, 'maint-1').operation.callingMaintenance).to.equal(true);
      expect(during.stats().createsByExternalId).to.deep.equal({ 'maint-1': 1 });

      const after = await restartSim({ provisionedWithErrors2560: false });
      const second = await nightly(ws);
      expect(second.code).to.equal(0);
      expect(second.summary.customers).to.deep.equal(counts({ updated: 1 }));

      const changes = await changesOf(ws, 'maint-1');
      expect(changes.map((c) => [c.action, c.status, c.outcome])).to.deep.equal([
        ['create', 'done', 'pending'],
        ['update', 'done', 'updated'],
      ]);
      const retry = changes[1] as ChangeRow;
      expect(retry.idempotency_key).to.not.equal(create!.idempotency_key);
      expect(retry.idempotency_key).to.match(/:r1$/);
      const customer = onlyCustomer(after, 'maint-1');
      expect(customerStatusAt(customer, Date.now(), lifecyclePolicy(SIM_CONFIG))).to.equal(
        'provisioned',
      );
      expect([...customer.packages].sort()).to.deep.equal(['webex_calling', 'webex_meetings']);
      // Created once: the retry is a PUT of the whole package list to the customer made before.
      expect(after.stats().createsByExternalId).to.deep.equal({});
      expect(after.stats().byOperation['PUT /wholesale/customers/{customerId}']).to.equal(1);
      const ledger = (await ws.db('customers').where({ external_id: 'maint-1' }).first()) as {
        webex_status: string;
        webex_id: string;
      };
      expect(ledger).to.include({ webex_status: 'provisioned', webex_id: customer.id });
      expect(resultRow(resultsOf(ws, 'customers.csv'), 'External ID', 'maint-1')).to.include({
        result: 'updated',
        code: '',
      });
    });

    it('when a user must consent to move (202 pending_user_migration), then the row is pending, and once the user consents a later run records it created, created once', async () => {
      const { sim, ws } = await setUp({ pendingMigrationEmails: ['free.user@mig-1.example'] });
      drop(ws, 'customers.csv', [CUSTOMER_HEADER, customerLine('mig-1')]);
      drop(ws, 'subscribers.csv', [
        SUBSCRIBER_HEADER,
        subscriberLine('mig-1', 'free.user@mig-1.example'),
        subscriberLine('mig-1', 'new.user@mig-1.example'),
      ]);
      const first = await nightly(ws);
      expect(first.code).to.equal(0);
      expect(first.summary.subscribers).to.deep.equal(counts({ created: 1, pending: 1 }));
      let rows = resultsOf(ws, 'subscribers.csv');
      expect(resultRow(rows, 'Email', 'free.user@mig-1.example').result).to.equal('pending');
      expect(resultRow(rows, 'Email', 'new.user@mig-1.example').result).to.equal('created');
      const [pending] = await changesOf(ws, 'mig-1/free.user@mig-1.example');
      expect(pending).to.include({ action: 'create', status: 'awaiting' });

      // A run while the user has not answered yet changes nothing.
      const waiting = await nightly(ws);
      expect(waiting.summary.subscribers).to.include({ created: 0, pending: 1 });

      expect(sim.consentUserMove('free.user@mig-1.example')).to.equal(1);
      const second = await nightly(ws);
      expect(second.code).to.equal(0);
      expect(second.summary.subscribers).to.deep.equal(counts({ created: 1, unchanged: 1 }));
      rows = resultsOf(ws, 'subscribers.csv');
      const done = resultRow(rows, 'Email', 'free.user@mig-1.example');
      const user = [...sim.state.subscribers.values()].find(
        (s) => s.email === 'free.user@mig-1.example',
      );
      expect(user?.status).to.equal('provisioned');
      expect(done).to.include({ result: 'created', code: '', webex_id: user?.id });
      expect(await changesOf(ws, 'mig-1/free.user@mig-1.example')).to.have.length(1);
      expect(
        sim.stats().subscriberCreatesByKey[
          subscriberKey(user?.customerId ?? '', 'free.user@mig-1.example')
        ],
      ).to.equal(1);
      const ledger = (await ws
        .db('subscribers')
        .where({ email: 'free.user@mig-1.example' })
        .first()) as { webex_status: string; webex_person_id: string | null };
      expect(ledger.webex_status).to.equal('provisioned');
      expect(ledger.webex_person_id).to.equal(user?.personId);
    });

    it('when Webex refuses a user (email taken, 10022), then exit 1, the row fails with API_REJECTED and the tracking id in its results file, issues.csv and the summary', async () => {
      const { sim, ws } = await setUp();
      await takeSharedEmail(ws);

      drop(ws, 'customers-2.csv', [CUSTOMER_HEADER, customerLine('other-1')]);
      drop(ws, 'subscribers-2.csv', [
        SUBSCRIBER_HEADER,
        subscriberLine('other-1', 'fine@other-1.example'),
        subscriberLine('other-1', 'taken@shared.example'),
      ]);
      const second = await nightly(ws);
      expect(second.code).to.equal(1);
      expect(second.summary.customers).to.include({ created: 1, failed: 0 });
      expect(second.summary.subscribers).to.deep.equal(
        counts({ created: 1, unchanged: 1, failed: 1 }),
      );
      expect(second.summary.issueCounts).to.include({ API_REJECTED: 1 });

      const [refused] = await changesOf(ws, 'other-1/taken@shared.example');
      expect(refused).to.include({ status: 'failed', outcome: 'failed', error_code: '10022' });
      const trackingId = (
        (await ws.db('changes').where({ id: refused!.id }).first('tracking_id')) as {
          tracking_id: string;
        }
      ).tracking_id;
      expect(trackingId).to.match(/^\S+$/);

      const row = resultRow(resultsOf(ws, 'subscribers-2.csv'), 'Email', 'taken@shared.example');
      expect(row).to.include({ result: 'failed', code: 'API_REJECTED', webex_id: '' });
      expect(row.message).to.contain('error 10022').and.to.contain(trackingId);
      // issues.csv: partner, file, sheet, row, column, value, code, message (contract §6).
      const issues = parse(
        readFileSync(path.join(second.summary.reportDir, 'issues.csv'), 'utf8'),
        { bom: true, from_line: 2 },
      ) as string[][];
      const rejected = issues.filter((i) => i[6] === 'API_REJECTED');
      expect(rejected).to.have.length(1);
      const [partner, file, , sourceRow, , value, , message] = rejected[0] as string[];
      expect([partner, file, sourceRow, value]).to.deep.equal([
        'acme',
        'subscribers-2.csv',
        '3',
        'other-1/taken@shared.example',
      ]);
      expect(message).to.contain('error 10022').and.to.contain(trackingId);

      const owners = [...sim.state.subscribers.values()]
        .filter((s) => s.email === 'taken@shared.example')
        .map((s) => s.customerId);
      expect(owners).to.deep.equal([onlyCustomer(sim, 'own-1').id]);

      // The next night, the sheet unchanged: the refused change is not sent again, and the row is
      // still failed (counted and listed), not lost between the buckets.
      const postsBefore = sim.stats().byOperation['POST /wholesale/subscribers'] ?? 0;
      const third = await nightly(ws);
      expect(third.code).to.equal(1);
      expect(third.summary.subscribers).to.deep.equal(counts({ unchanged: 2, failed: 1 }));
      expect(third.summary.issueCounts).to.include({ API_REJECTED: 1 });
      expect(sim.stats().byOperation['POST /wholesale/subscribers'] ?? 0).to.equal(postsBefore);
      expect(await changesOf(ws, 'other-1/taken@shared.example')).to.have.length(1);
    });

    it('when Webex refuses a Japanese partner’s user, then its results file says why in Japanese while issues.csv speaks the operators’ language (issue 18: messages rendered by results)', async () => {
      const { ws } = await setUp();
      // Before: the message was rendered once, in reportLocale, when Webex answered.
      const file = path.join(ws.home, 'rtm-batch.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as {
        partners: Record<string, Record<string, unknown>>;
      };
      config.partners.acme = { ...config.partners.acme, locale: 'ja' };
      writeFileSync(file, JSON.stringify({ ...config, reportLocale: 'en' }));
      await takeSharedEmail(ws);
      drop(ws, 'customers-2.csv', [CUSTOMER_HEADER, customerLine('other-1')]);
      drop(ws, 'subscribers-3.csv', [
        SUBSCRIBER_HEADER,
        subscriberLine('other-1', 'taken@shared.example'),
      ]);
      const second = await nightly(ws);
      expect(second.code).to.equal(1);
      const [result, code, message] = RESULT_COLUMNS.ja;
      const row = resultRow(resultsOf(ws, 'subscribers-3.csv'), 'Email', 'taken@shared.example');
      expect(row[result]).to.equal('失敗');
      expect(row[code]).to.equal('API_REJECTED');
      expect(row[message]).to.contain('Webex が変更を拒否しました').and.to.contain('10022');
      const issues = readFileSync(path.join(second.summary.reportDir, 'issues.csv'), 'utf8');
      expect(issues)
        .to.contain('Webex refused the change')
        .and.not.to.contain('Webex が変更を拒否');
    });
  });
}
