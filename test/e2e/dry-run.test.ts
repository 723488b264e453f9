import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seedDemoInbox } from '../../src/ingest/index.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

/** Files left in a partner's drop zone (the claims folder is ours). */
const inboxFiles = (home: string, partner: string) =>
  readdirSync(path.join(home, 'inbox', partner)).filter((n) => !n.startsWith('.'));

describe('e2e: nightly --dry-run plans from the sheets it reads and sends nothing', () => {
  it('when the demo sheets are in the inbox, then the plan counts every accepted row as a create, nothing moves, and a real run then creates exactly that', async function () {
    this.timeout(120_000);
    const home = tempHome();
    await seedDemoInbox(home, 10);
    const before = { acme: inboxFiles(home, 'acme'), sakura: inboxFiles(home, 'sakura') };

    const dry = await runCli(['nightly', '--dry-run', '--json'], { home });
    expect(dry.code, dry.stderr).to.equal(0);
    const plan = JSON.parse(dry.stdout) as Summary;
    expect(validateSummary(plan)).to.deep.equal([]);
    expect(plan.dryRun).to.equal(true);
    expect(plan.rows).to.deep.equal({ total: 13, accepted: 13, rejected: 0 });
    // 5 customers and 8 users, none in the ledger yet: all of them are creates.
    expect(plan.plan).to.deep.include({ create: 13, update: 0, delete: 0, unchanged: 0 });
    expect([plan.plan?.customers.create, plan.plan?.subscribers.create]).to.deep.equal([5, 8]);
    expect(plan.customers.created + plan.subscribers.created).to.equal(0);
    expect({ acme: inboxFiles(home, 'acme'), sakura: inboxFiles(home, 'sakura') }).to.deep.equal(
      before,
    );
    expect(existsSync(path.join(home, 'archive'))).to.equal(false);
    const html = readFileSync(path.join(plan.reportDir, 'report.html'), 'utf8');
    expect(html).to.match(/id="plan"/);

    const real = await runCli(['nightly', '--json'], { home });
    expect(real.code, real.stderr).to.equal(0);
    const done = JSON.parse(real.stdout) as Summary;
    expect(done.customers.created + done.subscribers.created).to.equal(13);

    // Nothing new in the sheets: the next plan has every row unchanged.
    const again = await runCli(['provision', '--dry-run', '--json'], { home });
    expect(again.code, again.stderr).to.equal(0);
    expect((JSON.parse(again.stdout) as Summary).plan).to.deep.include({
      create: 0,
      update: 0,
      delete: 0,
      unchanged: 13,
    });
  });
});
