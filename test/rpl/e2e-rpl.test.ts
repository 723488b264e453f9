import { expect } from 'chai';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('e2e: an RPL match followed to its end through the CLI', () => {
  it('when a customer stays in review, then it is overdue at day 2, a candidate after three unreachable attempts, and a reviewed plan removes it and its users', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, {
      inbox: { stableSeconds: 0 },
      simulator: { rplMatch: '^Blocked' },
      webex: { waitForProvisionedSeconds: 5 },
    });
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    const drop = (name: string, text: string) => {
      writeFileSync(path.join(inbox, name), text);
      const old = new Date(Date.now() - 60_000);
      utimesSync(path.join(inbox, name), old, old);
    };
    drop(
      'customers.csv',
      'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n' +
        'c-blk,Blocked Co,a@blk.example,1 Main St,Austin,TX,78701,US,webex_meetings,P1\n' +
        'c-ok,Good Co,a@ok.example,1 Main St,Austin,TX,78701,US,webex_meetings,P1\n',
    );
    drop(
      'subscribers.csv',
      'Customer external ID,Email,First name,Last name,Package\n' +
        'c-blk,u1@blk.example,U,One,webex_meetings\n' +
        'c-ok,u2@ok.example,U,Two,webex_meetings\n',
    );
    const cli = (args: string[], now: string) => runCli(args, { home, env: { RTM_NOW: now } });
    const json = (stdout: string) => JSON.parse(stdout) as Summary;

    const day0 = await cli(['nightly', '--json'], '2026-03-01T00:00:00Z');
    expect(day0.code, day0.stderr).to.equal(0);
    expect(json(day0.stdout).rpl).to.include({ pending: 1, overdue: 0 });

    const day2 = await cli(['rpl-recheck', '--json'], '2026-03-03T00:00:00Z');
    // Before issue 19: exit 0 "ok" with a review two days overdue.
    expect(day2.code, day2.stderr).to.equal(1);
    const s2 = json(day2.stdout);
    expect(validateSummary(s2)).to.deep.equal([]);
    expect(s2.status).to.equal('attention');
    expect(s2.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
      ['rpl_overdue', 'acme', 1],
    ]);
    expect(s2.rpl).to.deep.equal({
      pending: 1,
      cleared: 0,
      overdue: 1,
      nonCompliant: 1,
      deprovisionCandidates: 0,
    });
    const html = readFileSync(path.join(s2.reportDir, 'report.html'), 'utf8');
    expect(html).to.contain('id="rpl-open"').and.contain('c-blk');

    const contact = (outcome: string) =>
      cli(
        ['--partner', 'acme', 'rpl', 'contact', '--customer', 'c-blk', '--outcome', outcome],
        '2026-03-03T01:00:00Z',
      );
    expect((await contact('sideways')).code).to.equal(2);
    const noCheck = await cli(
      ['rpl', 'contact', '--partner', 'acme', '--customer', 'c-ok', '--outcome', 'reached'],
      '2026-03-03T01:00:00Z',
    );
    expect(noCheck.code).to.equal(2);
    expect(noCheck.stderr).to.contain('no open RPL check');
    for (let i = 0; i < 3; i += 1) expect((await contact('unreachable')).code).to.equal(0);

    const recheck = await cli(['rpl-recheck', '--json'], '2026-03-03T02:00:00Z');
    expect(recheck.code).to.equal(1);
    expect(json(recheck.stdout).rpl.deprovisionCandidates).to.equal(1);
    expect(json(recheck.stdout).attention.map((a) => [a.kind, a.count])).to.deep.equal([
      ['rpl_overdue', 1],
      ['deprovision_candidates_new', 1],
      ['deprovision_candidates', 1],
    ]);
    const html3 = readFileSync(path.join(json(recheck.stdout).reportDir, 'report.html'), 'utf8');
    // The "needs you" list comes before every count.
    expect(html3.indexOf('deprovision --plan')).to.be.within(0, html3.indexOf('id="rpl-open"'));
    const again = await cli(['rpl-recheck'], '2026-03-03T02:30:00Z');
    expect(again.code).to.equal(1);
    expect(again.stdout).to.match(
      /NEEDS YOU: +acme: 1 customer\(s\) are deprovisioning candidates/,
    );
    expect(again.stdout).not.to.contain('became deprovisioning candidates');
    const candidatesCsv = readFileSync(
      path.join(json(recheck.stdout).reportDir, 'deprovision-candidates.csv'),
      'utf8',
    );
    expect(candidatesCsv).to.contain('c-blk').and.contain('u1@blk.example');

    const planFile = path.join(home, 'plan.json');
    const plan = await cli(['deprovision', '--plan', '--out', planFile], '2026-03-03T03:00:00Z');
    expect(plan.code, plan.stderr).to.equal(0);
    const doc = JSON.parse(readFileSync(planFile, 'utf8')) as {
      candidates: { externalId: string; users: { email: string }[] }[];
    };
    expect(doc.candidates.map((c) => [c.externalId, c.users.map((u) => u.email)])).to.deep.equal([
      ['c-blk', ['u1@blk.example']],
    ]);

    const apply = await cli(['deprovision', '--apply', planFile, '--json'], '2026-03-03T04:00:00Z');
    expect(apply.code, apply.stderr).to.equal(0);
    const sa = json(apply.stdout);
    expect(validateSummary(sa)).to.deep.equal([]);
    expect(sa.job).to.equal('deprovision');
    expect(sa.customers.deleted).to.equal(1);
    expect(sa.rpl).to.include({ pending: 0, deprovisionCandidates: 0 });

    const state = JSON.parse(
      readFileSync(path.join(home, 'var', 'simulator', 'state.json'), 'utf8'),
    ) as { customers: { externalId: string }[]; subscribers: { email: string }[] };
    expect(state.customers.map((c) => c.externalId)).to.deep.equal(['c-ok']);
    expect(state.subscribers.map((s) => s.email)).to.deep.equal(['u2@ok.example']);

    const db = knexFactory({
      client: 'sqlite3',
      connection: { filename: path.join(home, 'var', 'rtm-batch.sqlite') },
      useNullAsDefault: true,
    });
    try {
      expect(
        await db('rpl_deprovisions').select('external_id', 'outcome', 'plan_id'),
      ).to.deep.equal([
        {
          external_id: 'c-blk',
          outcome: 'deleted',
          plan_id: (JSON.parse(readFileSync(planFile, 'utf8')) as { planId: string }).planId,
        },
      ]);
      expect(
        await db('subscribers').orderBy('email').select('email', 'desired_action', 'webex_status'),
      ).to.deep.equal([
        { email: 'u1@blk.example', desired_action: 'delete', webex_status: 'deleted' },
        { email: 'u2@ok.example', desired_action: 'upsert', webex_status: 'provisioned' },
      ]);
    } finally {
      await db.destroy();
    }

    // The next nightly neither recreates the removed customer nor removes anything itself.
    const later = await cli(['nightly', '--json'], '2026-03-04T00:00:00Z');
    expect(json(later.stdout).customers).to.include({ created: 0, deleted: 0 });
  });
});
