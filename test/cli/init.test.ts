import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { validateSummary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

describe('cli: a workspace is made by init, never by accident (issue 19, item 3)', () => {
  it('when init runs on a new folder, then it makes every workspace folder and a commented example config that loads as it is', async function () {
    this.timeout(30_000);
    const home = path.join(tempHome(), 'rtm');
    const run = await runCli(['init', '--home', home]);
    expect(run.code, run.stderr).to.equal(0);
    for (const dir of ['inbox', 'outbox', 'archive', 'quarantine', 'reports', 'var'])
      expect(statSync(path.join(home, dir)).isDirectory(), dir).to.equal(true);
    const text = readFileSync(path.join(home, 'rtm-batch.config.json'), 'utf8');
    expect(text).to.match(/^\s*\/\/ /m);
    const loaded = loadConfig({ home, env: {}, cwd: home });
    expect(loaded.errors).to.equal(undefined);
    expect(loaded.config?.webex.baseUrl).to.equal(null);
    expect(run.stdout).to.contain(path.join(home, 'inbox', '<partner>'));
    const nightly = await runCli(['nightly'], { home });
    expect(nightly.code, nightly.stderr).to.equal(0);
  });

  it('when nightly runs in a fresh workspace with no partner folder, then it says on one line where files go, and makes inbox/ again when it is missing', async function () {
    this.timeout(60_000);
    const home = path.join(tempHome(), 'rtm');
    expect((await runCli(['init', '--home', home])).code).to.equal(0);
    const where = `${path.join(home, 'inbox', '<partner>')}/`;
    const first = await runCli(['nightly'], { home });
    expect(first.code, first.stderr).to.equal(0);
    // Before: an "ok" summary with nothing read and no word about the inbox.
    const lines = first.stdout.split('\n').filter((l) => l.includes(where));
    expect(lines, first.stdout).to.have.length(1);
    expect(lines[0]).to.match(/^ {2}note: no partner folder in /);
    expect(lines[0]).to.contain(path.join(home, 'inbox'));

    // A workspace whose inbox went (removed by hand): the run makes it again and says the same.
    rmdirSync(path.join(home, 'inbox'));
    const again = await runCli(['--json', 'nightly'], { home });
    expect(again.code, again.stderr).to.equal(0);
    expect(statSync(path.join(home, 'inbox')).isDirectory()).to.equal(true);
    const summary = JSON.parse(again.stdout) as { notes: string[] };
    expect(validateSummary(summary)).to.deep.equal([]);
    expect(summary.notes.filter((n) => n.includes(where))).to.have.length(1);
  });

  it('when init runs again on a workspace, then it keeps the configuration as it was', async function () {
    this.timeout(30_000);
    const home = tempHome();
    writeFileSync(path.join(home, 'rtm-batch.config.json'), '{"reportLocale":"ja"}');
    const run = await runCli(['init'], { home });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('kept the existing');
    expect(readFileSync(path.join(home, 'rtm-batch.config.json'), 'utf8')).to.equal(
      '{"reportLocale":"ja"}',
    );
  });

  for (const args of [['status'], ['nightly'], ['import'], ['reconcile', '--dry-run']])
    it(`when \`${args.join(' ')}\` is pointed at a folder that is not a workspace, then it exits 2 naming init and creates nothing`, async function () {
      this.timeout(30_000);
      const home = tempHome('rtm-typo-');
      const run = await runCli(args, { home });
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.contain('is not an rtm-batch workspace');
      expect(run.stderr).to.contain(`rtm-batch init --home ${home}`);
      // Before: var/, reports/ and a ledger appeared in the mistyped folder.
      expect(readdirSync(home)).to.deep.equal([]);
    });

  it('when `nightly --demo` runs on a fresh folder, as npm start does on a fresh clone, then it makes its workspace and runs', async function () {
    this.timeout(120_000);
    const home = tempHome();
    const run = await runCli(['nightly', '--demo'], { home });
    expect(run.code, run.stderr).to.be.oneOf([0, 1]);
    expect(existsSync(path.join(home, 'inbox', 'acme'))).to.equal(true);
    expect(run.stdout).to.contain('report.html');
  });
});
