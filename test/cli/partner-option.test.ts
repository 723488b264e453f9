import { expect } from 'chai';
import { listSchemaVersions } from '../../src/store/index.ts';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('cli: --partner names a partner the workspace knows (issue 19, item 1; contract §4)', () => {
  let home: string;
  before(async function () {
    this.timeout(120_000);
    home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    // acme and sakura come from the demo; "quiet" has only its inbox folder so far.
    const demo = await runCli(['nightly', '--demo'], { home });
    expect(demo.code, demo.stderr).to.be.oneOf([0, 1]);
    expect((await runCli(['nightly', '--dry-run'], { home })).code).to.be.oneOf([0, 1]);
    mkdirSync(path.join(home, 'inbox', 'quiet'));
  });

  const commands: string[][] = [
    ['import'],
    ['provision'],
    ['rpl-recheck'],
    ['reconcile'],
    ['nightly'],
    ['nightly', '--dry-run'],
    ['deprovision', '--plan'],
    ['status'],
    ['rpl', 'contact', '--customer', 'c-1', '--outcome', 'reached'],
  ];
  for (const args of commands)
    it(`when \`${args.join(' ')} --partner nosuch\` names no partner, then it is a usage error (exit 2) naming the known ones, and no run is recorded`, async function () {
      this.timeout(60_000);
      const runsBefore = readdirSync(path.join(home, 'reports')).length;
      const run = await runCli([...args, '--partner', 'nosuch'], { home });
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.contain('--partner "nosuch": no such partner');
      expect(run.stderr).to.contain('known: acme, quiet, sakura');
      expect(readdirSync(path.join(home, 'reports')).length).to.equal(runsBefore);
    });

  it('when a partner has only its inbox folder, then --partner takes it', async function () {
    this.timeout(60_000);
    const run = await runCli(['import', '--partner', 'quiet'], { home });
    expect(run.code, run.stderr).to.equal(0);
  });

  it('when `status --partner acme` runs, then it counts only acme and lists runs for acme or all partners', async function () {
    this.timeout(60_000);
    const all = JSON.parse((await runCli(['status', '--json'], { home })).stdout) as {
      staged: { customers: number; subscribers: number };
      lastRuns: { partner: string | null }[];
      schemaVersion: string;
    };
    const acme = await runCli(['status', '--json', '--partner', 'acme'], { home });
    const sakura = await runCli(['status', '--json', '--partner', 'sakura'], { home });
    expect(acme.code, acme.stderr).to.equal(0);
    const a = JSON.parse(acme.stdout) as typeof all & { partner: string };
    const s = JSON.parse(sakura.stdout) as typeof all;
    expect(a.partner).to.equal('acme');
    expect(a.staged.customers).to.be.above(0);
    expect(s.staged.customers).to.be.above(0);
    // Before: --partner was ignored and both showed every partner's rows.
    expect(a.staged.customers + s.staged.customers).to.equal(all.staged.customers);
    expect(a.staged.subscribers + s.staged.subscribers).to.equal(all.staged.subscribers);
    expect(a.lastRuns.map((r) => r.partner)).to.deep.equal([null, null]);
    expect(all.lastRuns.map((r) => r.partner)).to.deep.equal(['quiet', null, null]);
    expect(existsSync(path.join(home, 'inbox', 'nosuch'))).to.equal(false);
  });

  it('when status prints for a person, then it shows the schema version and marks dry runs', async function () {
    this.timeout(60_000);
    const run = await runCli(['status'], { home });
    const latest = (await listSchemaVersions()).at(-1) as string;
    expect(run.stdout).to.contain(`schema version: ${latest}`);
    expect(run.stdout).to.match(/nightly-\w+ +\w+ \(exit \d\) +dry run: nothing changed/);
  });
});
