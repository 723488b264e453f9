import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { freshDb, type TestDb } from '../support/db.ts';

/** This process's resident memory (VmRSS) and its high-water mark (VmHWM), in MB. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * A ledger-sized sort on the program's SQLite connection (the run report's quota use groups every
 * subscriber of the run's partners, `readQuotaUse`) spills to a temporary file past the page cache.
 * With `PRAGMA temp_store = MEMORY` those temporary files were memory: a 1M-row CSV import peaked
 * at 530 MB, 260 of them this one sort at the end of the run (docs/architecture.md, "Staging cost").
 * Measured with Linux's VmHWM, reset before the sort (clear_refs 5).
 */
describe('store: a sort larger than the page cache is not held in memory (sqlite)', function () {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb('sqlite');
  });
  afterEach(async () => {
    await t.close();
  });

  it('when 300,000 rows of 200-character keys (60 MB) are grouped, then the process peaks less than 40 MB above where it started', async function () {
    this.timeout(60_000);
    await t.db.raw('CREATE TABLE sort_load (k text)');
    await t.db.raw(
      `INSERT INTO sort_load WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
       SELECT printf('%0200d', (i * 7919) % 300007) FROM n`,
    );
    global.gc?.();
    const before = memory();
    writeFileSync('/proc/self/clear_refs', '5'); // VmHWM starts again from VmRSS
    const [row] = (await t.db.raw(
      'SELECT count(*) AS n FROM (SELECT k, count(*) AS c FROM sort_load GROUP BY k)',
    )) as { n: number }[];
    const after = memory();
    expect(row?.n).to.equal(300_000);
    expect(after.peak - before.rss).to.be.below(40);
  });
});
