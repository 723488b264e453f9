import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { dropEveryFixture, fixturePartner } from '../support/fixtures.ts';

/** What a partner and an operator read of a run: per file, the rows and issues, and the exit. */
const outcome = (s: Summary) => ({
  files: s.files
    .map((f) => [
      f.partner,
      f.name,
      f.status,
      f.code,
      f.rows.total,
      f.rows.accepted,
      f.rows.rejected,
    ])
    .sort(),
  rows: s.rows,
  issueCounts: s.issueCounts,
  exitCode: s.exitCode,
  status: s.status,
});

describe('e2e: a dry run of every fixture gives what the real run gives (issue 18, item 2)', () => {
  it('when each fixture is imported with --dry-run, then its counts, issues and exit code are the real run’s, and nothing moved', async function () {
    this.timeout(180_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const files = dropEveryFixture(home);
    expect(files.length).to.be.greaterThan(40);
    const dry = await runCli(['import', '--dry-run', '--json'], { home });
    const dryRun = JSON.parse(dry.stdout) as Summary;
    // Nothing moved: every file still where it was dropped.
    for (const [i, file] of files.entries())
      expect(readdirSync(path.join(home, 'inbox', fixturePartner(i)))).to.include(
        path.basename(file),
      );
    const real = await runCli(['import', '--json'], { home });
    const realRun = JSON.parse(real.stdout) as Summary;
    expect(outcome(dryRun)).to.deep.equal(outcome(realRun));
    expect(dry.code).to.equal(real.code);
  });
});
