import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { openDb } from '../../src/store/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { call, CONFIG, CUSTOMER } from '../webex/simulator-support.ts';

const HEADER = ['Partner', 'Entity', 'External ID / email', 'Webex ID', 'Category', 'Detail'];

/** reconciliation.csv of a run as records, header first. */
function readReconciliation(s: Summary): string[][] {
  const text = readFileSync(path.join(s.reportDir, 'reconciliation.csv'), 'utf8');
  return parse(text, { bom: true }) as string[][];
}

async function runJson(args: string[], home: string, env: Record<string, string> = {}) {
  const res = await runCli([...args, '--json'], { home, env });
  const summary = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(summary), res.stderr).to.deep.equal([]);
  return { code: res.code, stderr: res.stderr, summary };
}

/** The ledger tables as rows, read from the workspace's SQLite file. */
async function ledgerRows(home: string): Promise<unknown[]> {
  const db = openDb({ client: 'sqlite3', connection: path.join(home, 'var', 'rtm-batch.sqlite') });
  try {
    return await Promise.all(
      ['customers', 'subscribers', 'changes', 'rpl_checks'].map((t) => db(t).orderBy('id')),
    );
  } finally {
    await db.destroy();
  }
}

describe('e2e: rtm-batch reconcile', () => {
  it('when Webex is changed behind the tool after the demo nightly, then reconcile reports each change; --dry-run changes nothing; --partner limits it', async function () {
    this.timeout(180_000);
    const home = tempHome();
    writeConfig(home, { partners: { acme: { orgId: 'ORG-ACME-SELF' } } });

    const nightly = await runJson(['nightly', '--demo'], home);
    expect(nightly.code, nightly.stderr).to.equal(0);
    expect(nightly.summary.reconcile).to.deep.equal({
      inSync: 13,
      drifted: 0,
      missingInWebex: 0,
      orphansInWebex: 0,
      parked: 0,
      partnerOwnOrg: 0,
    });
    expect(readReconciliation(nightly.summary)).to.have.length(14);

    // Behind the tool's back, through the simulator's HTTP API on the workspace's Webex state.
    const sim: RunningSimulator = await startSimulator({
      config: CONFIG,
      clock: createClock(null),
      stateFile: path.join(home, 'var', 'simulator', 'state.json'),
      port: 0,
    });
    try {
      const find = async (externalId: string) => {
        const r = await call<{ items: { id: string; address: object; packages: string[] }[] }>(
          sim,
          'GET',
          `/wholesale/customers?externalId=${externalId}`,
        );
        return r.body.items[0] as { id: string; address: object; packages: string[] };
      };
      const stray = { ...CUSTOMER, externalId: 'stray-1' };
      expect((await call(sim, 'POST', '/wholesale/customers', stray)).status).to.equal(202);
      const { customerInfo: _, ...attach } = CUSTOMER;
      const self = { ...attach, externalId: 'acme-self', orgId: 'ORG-ACME-SELF' };
      expect((await call(sim, 'POST', '/wholesale/customers', self)).status).to.equal(202);
      const acme1 = await find('acme-001');
      const packages = [...acme1.packages, 'webex_suite'];
      const put = await call(sim, 'PUT', `/wholesale/customers/${acme1.id}`, {
        packages,
        address: acme1.address,
      });
      expect(put.status).to.equal(202);
      const sak2 = await find('sak-102');
      expect((await call(sim, 'DELETE', `/wholesale/customers/${sak2.id}`)).status).to.equal(202);
    } finally {
      await sim.close();
    }
    // An hour later every change has settled in the simulated Webex.
    const later = { RTM_NOW: new Date(Date.now() + 3_600_000).toISOString() };

    const rec = await runJson(['reconcile'], home, later);
    // Contract §4: drift and orphans need a person: status attention, exit 1.
    expect(rec.code, rec.stderr).to.equal(1);
    expect(rec.summary.status).to.equal('attention');
    expect(rec.summary.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
      ['drift', 'acme', 1],
      ['orphans', 'acme, sakura', 1],
    ]);
    expect(rec.summary.job).to.equal('reconcile');
    expect(rec.summary.reconcile).to.deep.equal({
      inSync: 10,
      drifted: 1,
      missingInWebex: 2,
      orphansInWebex: 1,
      parked: 0,
      partnerOwnOrg: 1,
    });
    const records = readReconciliation(rec.summary);
    expect(records[0]).to.deep.equal(HEADER);
    const notInSync = records
      .slice(1)
      .filter((r) => r[4] !== 'inSync')
      .map((r) => [r[0], r[1], r[2], r[4]]);
    expect(notInSync).to.deep.equal([
      ['acme', 'Customer', 'acme-001', 'drifted'],
      ['acme', 'Customer', 'acme-self', 'partnerOwnOrg'],
      // The embedded simulator is one Webex for both partners: its orphans are theirs together.
      ['acme, sakura', 'Customer', 'stray-1', 'orphansInWebex'],
      ['sakura', 'Customer', 'sak-102', 'missingInWebex'],
      ['sakura', 'Subscriber', 'sak-102/ken.suzuki@midori-butsuryu.example', 'missingInWebex'],
    ]);
    const drift = records.find((r) => r[2] === 'acme-001') as string[];
    expect(drift[5]).to.equal(
      'Webex differs from the sheet; Webex status provisioned; packages: Webex "webex_calling, webex_meetings, webex_suite", expected "webex_calling, webex_meetings"; changed outside rtm-batch',
    );
    const html = readFileSync(path.join(rec.summary.reportDir, 'report.html'), 'utf8');
    expect(html).to.contain('id="reconciliation"').and.to.contain('stray-1');

    // --dry-run: the same report, and neither Webex nor the ledger changes.
    const stateFile = path.join(home, 'var', 'simulator', 'state.json');
    const stateBefore = readFileSync(stateFile, 'utf8');
    const ledgerBefore = await ledgerRows(home);
    const dry = await runJson(['reconcile', '--dry-run'], home, later);
    expect(dry.code, dry.stderr).to.equal(1);
    expect(dry.summary.dryRun).to.equal(true);
    expect(dry.summary.reconcile).to.deep.equal(rec.summary.reconcile);
    expect(readFileSync(stateFile, 'utf8')).to.equal(stateBefore);
    expect(await ledgerRows(home)).to.deep.equal(ledgerBefore);

    // --partner: only that partner's lines, and the orphans of the Webex it shares.
    const one = await runJson(['reconcile', '--partner', 'sakura'], home, later);
    expect(one.code, one.stderr).to.equal(1);
    expect(one.summary.reconcile).to.deep.equal({
      inSync: 3,
      drifted: 0,
      missingInWebex: 2,
      orphansInWebex: 1,
      parked: 0,
      partnerOwnOrg: 0,
    });
    const partners = new Set(
      readReconciliation(one.summary)
        .slice(1)
        .map((r) => r[0]),
    );
    expect([...partners].sort()).to.deep.equal(['acme, sakura', 'sakura']);
  });

  it('when one partner’s token is refused, then it is reported and the other partner is still reconciled', async function () {
    this.timeout(120_000);
    const sim = await startSimulator({
      config: { ...CONFIG, provisioningSeconds: 0.2 },
      clock: createClock(null),
      stateFile: null,
      port: 0,
    });
    try {
      const home = tempHome();
      writeConfig(home, {
        inbox: { stableSeconds: 0 },
        webex: { baseUrl: sim.url, pollSeconds: 0.2 },
        partners: {
          alpha: { webex: { tokenEnv: 'ALPHA_TOKEN' } },
          beta: { webex: { tokenEnv: 'BETA_TOKEN' } },
        },
      });
      const old = new Date(Date.now() - 60_000);
      for (const partner of ['alpha', 'beta']) {
        const inbox = path.join(home, 'inbox', partner);
        mkdirSync(inbox, { recursive: true });
        const file = path.join(inbox, 'customers.csv');
        writeFileSync(
          file,
          'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n' +
            `${partner}-1,${partner} Co,admin@${partner}.example,1 Main St,Austin,TX,78701,US,webex_meetings,P1\n`,
        );
        utimesSync(file, old, old);
      }
      // A blank token: Webex answers 401, as for an expired one.
      const env = { ALPHA_TOKEN: ' ', BETA_TOKEN: 'beta-token' };
      const res = await runJson(['nightly'], home, env);
      // A refused token needs a person (contract §4): attention, exit 1, naming the partner.
      expect(res.code, res.stderr).to.equal(1);
      expect(res.summary.status).to.equal('attention');
      expect(res.summary.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
        ['token_refused', 'alpha', 1],
      ]);
      expect(
        res.summary.notes.filter((n) =>
          n.startsWith('partner alpha: Webex refused its token; not reconciled'),
        ),
      ).to.have.length(1);
      expect(res.summary.reconcile).to.deep.equal({
        inSync: 1,
        drifted: 0,
        missingInWebex: 0,
        orphansInWebex: 0,
        parked: 0,
        partnerOwnOrg: 0,
      });
      expect(
        readReconciliation(res.summary)
          .slice(1)
          .map((r) => [r[0], r[2], r[4]]),
      ).to.deep.equal([['beta', 'beta-1', 'inSync']]);
    } finally {
      await sim.close();
    }
  });
});
