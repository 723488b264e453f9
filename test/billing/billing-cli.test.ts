import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { startSimulator, type WebexSubscriber } from '../../src/webex/simulator/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { call, CONFIG } from '../webex/simulator-support.ts';

async function runJson(args: string[], home: string, now: string) {
  const res = await runCli([...args, '--json'], { home, env: { RTM_NOW: now } });
  const summary = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(summary), res.stderr).to.deep.equal([]);
  return { code: res.code, stderr: res.stderr, summary };
}

function billingCsv(s: Summary): Record<string, string>[] {
  const text = readFileSync(path.join(s.reportDir, 'billing.csv'), 'utf8');
  return parse(text, { bom: true, columns: true }) as Record<string, string>[];
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
