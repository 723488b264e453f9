import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import { billingCsvColumns, validateSummary, type Summary } from '../../src/reports/index.ts';
import { startSimulator, type WebexSubscriber } from '../../src/webex/simulator/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { call, CONFIG } from '../webex/simulator-support.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { seedWebexUser } from './support.ts';

async function runJson(args: string[], home: string, now: string) {
  const res = await runCli([...args, '--json'], { home, env: { RTM_NOW: now } });
  const summary = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(summary), res.stderr).to.deep.equal([]);
  return { code: res.code, stderr: res.stderr, summary };
}

/** billing.csv's columns, by the names these tests use. */
const FIELDS = [
  'partner',
  'level',
  'customer_external_id',
  'customer_org_id',
  'user_email',
  'sheet_package',
  'billed_packages',
  'webex_count',
  'ledger_count',
  'limit',
  'category',
  'removed_at',
];

/** billing.csv's lines; its header must be the report locale's (en here). */
function billingCsv(s: Summary): Record<string, string>[] {
  const text = readFileSync(path.join(s.reportDir, 'billing.csv'), 'utf8');
  const [header, ...rows] = parse(text, { bom: true }) as string[][];
  expect(header).to.deep.equal(billingCsvColumns('en'));
  return rows.map((cells) => Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])));
}

describe('e2e: rtm-batch billing', () => {
  it('when a user was removed by a sheet and Webex has users no sheet made, then billing.csv and attention name each of them and the run exits 1', async function () {
    this.timeout(240_000);
    const home = tempHome();
    writeConfig(home, {
      inbox: { stableSeconds: 0 },
      partners: { acme: { orgId: 'ORG-ACME-SELF' } },
      billing: { pollSeconds: 0.05, waitSeconds: 20 },
    });
    const nightly = await runJson(['nightly', '--demo'], home, '2026-03-10T03:00:00Z');
    expect(nightly.code, nightly.stderr).to.equal(0);

    // 12 Mar: acme's sheet removes Sam.
    mkdirSync(path.join(home, 'inbox', 'acme'), { recursive: true });
    writeFileSync(
      path.join(home, 'inbox', 'acme', 'remove-sam.csv'),
      'Customer external ID,Email,First name,Last name,Package,Admin,Action\r\n' +
        'acme-001,sam.cho@blueridgedental.example,Sam,Cho,webex_meetings,no,delete\r\n',
    );
    const removal = await runJson(['nightly'], home, '2026-03-12T03:00:00Z');
    expect(removal.code, removal.stderr).to.equal(0);
    expect(removal.summary.subscribers.deleted).to.equal(1);

    // Later that day, behind the tool: Sam is made again, a user no sheet has is added, Ana removed.
    const sim = await startSimulator({
      config: CONFIG,
      clock: createClock(Date.parse('2026-03-12T05:00:00Z')),
      stateFile: path.join(home, 'var', 'simulator', 'state.json'),
      port: 0,
    });
    try {
      const customers = await call<{ items: { id: string; externalId: string }[] }>(
        sim,
        'GET',
        '/wholesale/customers',
      );
      const idOf = (ext: string) => customers.body.items.find((c) => c.externalId === ext)?.id;
      const add = async (customer: string, email: string) => {
        const res = await call<WebexSubscriber>(sim, 'POST', '/wholesale/subscribers', {
          customerId: idOf(customer),
          email,
          packages: ['webex_meetings'],
          provisioningParameters: { firstName: 'X', lastName: 'Y' },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      };
      await add('acme-001', 'sam.cho@blueridgedental.example');
      await add('acme-002', 'ghost@lakeside-logistics.example');
      const ana = await call<{ items: { id: string }[] }>(
        sim,
        'GET',
        '/wholesale/subscribers?email=ana.silva@lakeside-logistics.example',
      );
      const anaId = ana.body.items[0]?.id ?? '';
      expect((await call(sim, 'DELETE', `/wholesale/subscribers/${anaId}`)).status).to.equal(204);
    } finally {
      await sim.close();
    }

    const run = await runJson(
      ['billing', '--from', '2026-03-13', '--to', '2026-03-31'],
      home,
      '2026-04-02T06:00:00Z',
    );
    // Contract §4: something needs a person: status attention, exit 1.
    expect(run.code, run.stderr).to.equal(1);
    expect(run.summary.status).to.equal('attention');
    const attention = run.summary.attention.filter((a) => a.kind === 'billing_discrepancies');
    expect(attention).to.have.length(1);
    expect(attention[0]?.message)
      .to.contain('1 user(s) billed that no sheet asked for')
      .and.to.contain('1 user(s) billed after the sheets removed them')
      .and.to.contain('1 provisioned user(s) not billed');

    const rows = billingCsv(run.summary);
    const users: Record<string, string> = {};
    for (const r of rows) if (r.level === 'user') users[r.user_email ?? ''] = r.category ?? '';
    expect(users).to.deep.include({
      'sam.cho@blueridgedental.example': 'billedAfterRemoval',
      'ghost@lakeside-logistics.example': 'unknown',
      'ana.silva@lakeside-logistics.example': 'notBilled',
      'dana.reed@blueridgedental.example': 'matched',
      'lee.martin@lakeside-logistics.example': 'matched',
      'taro.yamada@sakura-kaikei.example': 'matched',
    });
    const sam = rows.find((r) => r.user_email === 'sam.cho@blueridgedental.example');
    expect(sam?.removed_at).to.match(/^2026-03-12T03:/);
    // Counts add up: billed = matched + package differs + unknown + after removal.
    const categories = Object.values(users);
    const billed = categories.filter((c) => c !== 'notBilled' && c !== 'partnerOwnOrg').length;
    const matched = categories.filter((c) => c === 'matched').length;
    expect(billed).to.equal(matched + 2);
    // The discrepancies are a section of report.html and a sheet of report.xlsx.
    const html = readFileSync(path.join(run.summary.reportDir, 'report.html'), 'utf8');
    expect(html).to.contain('id="billing"').and.to.contain('ghost@lakeside-logistics.example');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(run.summary.reportDir, 'report.xlsx'));
    const sheet = workbook.getWorksheet('Billing');
    const listed: unknown[] = [];
    sheet?.eachRow((row) => listed.push(row.getCell(5).value));
    expect(listed).to.include.members([
      'sam.cho@blueridgedental.example',
      'ghost@lakeside-logistics.example',
      'ana.silva@lakeside-logistics.example',
    ]);
    // The reports were read and deleted in Webex; the ledger says so.
    const state = JSON.parse(
      readFileSync(path.join(home, 'var', 'simulator', 'state.json'), 'utf8'),
    ) as { billingReports: unknown[] };
    expect(state.billingReports).to.deep.equal([]);

    // The summary names the schema's `reconcile`; the ledger records `billing`, so `status` shows
    // it as the billing schedule's last run and not as reconcile's.
    expect(run.summary.job).to.equal('reconcile');
    const status = await runCli(['status', '--json'], {
      home,
      env: { RTM_NOW: '2026-04-02T07:00:00Z' },
    });
    const schedule = (
      JSON.parse(status.stdout) as {
        schedule: { job: string; lastRun: { runId: string; job: string } | null }[];
      }
    ).schedule;
    const of = (job: string) => schedule.find((j) => j.job === job)?.lastRun ?? null;
    expect(of('billing')).to.deep.include({ runId: run.summary.runId, job: 'billing' });
    expect(of('reconcile')?.runId ?? null).not.to.equal(run.summary.runId);
  });

  it('when billing runs with --dry-run and no report is known, then no report is asked of Webex and the summary says so', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, {
      partners: { acme: { orgId: 'ORG-ACME-SELF' } },
      billing: { pollSeconds: 0.05, waitSeconds: 20 },
    });
    const run = await runJson(
      ['billing', '--dry-run', '--from', '2026-03-01', '--to', '2026-03-31'],
      home,
      '2026-04-02T06:00:00Z',
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.summary.dryRun).to.equal(true);
    expect(run.summary.notes.join('\n'))
      .to.contain('not compared')
      .and.to.contain('a real run asks Webex for it');
    const stateFile = path.join(home, 'var', 'simulator', 'state.json');
    const state = existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { billingReports?: unknown[] })
      : {};
    expect(state.billingReports ?? []).to.deep.equal([]);
    // At a terminal the run is named by the command that ran, not the summary's schema job.
    const plain = await runCli(
      ['billing', '--dry-run', '--from', '2026-03-01', '--to', '2026-03-31'],
      { home, env: { RTM_NOW: '2026-04-02T06:00:00Z' } },
    );
    expect(plain.stdout.split('\n')[0], plain.stderr).to.match(
      /^rtm-batch billing \S+-billing-\S+: ok \(exit 0\) \[dry run\]$/,
    );
  });

  it("when Webex's answer to one partner's report request is lost and the lookup fails, then that partner waits with attention, the other is reconciled, and the next run finds the report instead of asking again", async function () {
    this.timeout(120_000);
    const home = tempHome();
    const sim = await startSimulator({
      config: { ...CONFIG, billingReportPolls: 0 },
      clock: createClock(Date.parse('2026-04-02T06:00:00Z')),
      stateFile: null,
      port: 0,
    });
    // One user in Webex that no sheet made: each partner's report has a line to compare.
    seedWebexUser(sim, { email: 'ana@x.example', orgId: 'ORG-X', since: '2026-02-10T00:00:00Z' });
    let faulty = true;
    const creates = () =>
      proxy.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/billing/reports')).length;
    const proxy = await startFaultProxy(sim.url, (r) => {
      if (!faulty) return 'pass';
      if (r.method === 'POST' && r.path.endsWith('/billing/reports')) return 'lose-answer';
      if (r.method === 'GET' && r.path.includes('/billing/reports?'))
        return { status: 503, body: { message: 'busy', trackingId: 'T-503' } };
      return 'pass';
    });
    try {
      writeConfig(home, {
        partners: {
          acme: {
            webex: { baseUrl: proxy.url, tokenEnv: 'ACME_TOKEN', subPartnerOrgId: 'SUB-ACME' },
          },
          brasa: {
            webex: { baseUrl: sim.url, tokenEnv: 'BRASA_TOKEN', subPartnerOrgId: 'SUB-BRASA' },
          },
        },
        billing: { pollSeconds: 0.05, waitSeconds: 20 },
      });
      const env = {
        RTM_NOW: '2026-04-02T06:00:00Z',
        ACME_TOKEN: 'a-token',
        BRASA_TOKEN: 'b-token',
      };
      const period = ['billing', '--from', '2026-03-01', '--to', '2026-03-31', '--json'];
      const first = await runCli(period, { home, env });
      const s1 = JSON.parse(first.stdout) as Summary;
      expect(first.code, first.stderr).to.equal(1);
      // acme waits; brasa is compared (its one user billed with no sheet is a discrepancy).
      expect(s1.attention.map((a) => [a.kind, a.partner])).to.have.deep.members([
        ['partner_unreachable', 'acme'],
        ['billing_discrepancies', 'brasa'],
      ]);
      expect(s1.attention.find((a) => a.partner === 'acme')?.message).to.contain(
        'looking up any report already asked for',
      );
      expect(billingCsv(s1).some((r) => r.partner === 'brasa')).to.equal(true);
      expect(creates()).to.equal(1);

      faulty = false;
      const second = await runCli(period, { home, env });
      const s2 = JSON.parse(second.stdout) as Summary;
      // acme is compared now: its discrepancy, and no longer unreachable.
      expect(
        s2.attention.filter((a) => a.partner === 'acme').map((a) => a.kind),
        second.stderr,
      ).to.deep.equal(['billing_discrepancies']);
      // The USER report the lost request made was found and read; only the CUSTOMER report, never
      // asked for before, was asked for now: one request per report in all (three without the lookup).
      expect(creates()).to.equal(2);
      expect(billingCsv(s2).some((r) => r.partner === 'acme')).to.equal(true);
    } finally {
      await proxy.close();
      await sim.close();
    }
  });

  it('when --from is given without --to, then exit 2 and nothing runs', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, {});
    const res = await runCli(['billing', '--from', '2026-03-01'], { home });
    expect(res.code).to.equal(2);
    expect(res.stderr).to.contain('--from and --to go together');
  });
});
