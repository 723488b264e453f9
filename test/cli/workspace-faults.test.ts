import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';
import { mountSmallFs, type SmallFs } from '../support/small-fs.ts';

describe('cli: a workspace the run cannot write (issue 16, case 12)', () => {
  let fs: SmallFs | null = null;
  afterEach(() => {
    fs?.unmount();
    fs = null;
  });

  it('when var/ is on a read-only file system, then every command exits 3 saying what to do, and --json still prints a summary', async function () {
    this.timeout(60_000);
    const home = tempHome();
    fs = mountSmallFs(path.join(home, 'var'), 1024);
    mkdirSync(path.join(home, 'var', 'logs'));
    execFileSync('mount', ['-o', 'remount,ro', fs.dir]);

    const nightly = await runCli(['nightly', '--demo', '--json'], { home });
    expect(nightly.code, nightly.stderr).to.equal(3);
    const summary = JSON.parse(nightly.stdout) as Summary;
    expect(validateSummary(summary)).to.deep.equal([]);
    expect(summary).to.include({ status: 'failed', exitCode: 3 });
    expect(summary.error).to.include(path.join(home, 'var'));
    expect(summary.error).to.match(/read-only file system/);
    expect(nightly.stderr).to.match(/Make it writable/);

    const status = await runCli(['status'], { home });
    expect(status.code).to.equal(3);
    expect(status.stderr).to.match(/read-only file system/);
    expect(status.stderr).not.to.match(/Unhandled|at .*\.js:\d+/);
  });
});
