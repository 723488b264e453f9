import { expect } from 'chai';
import { readStatus, renderStatus } from '../../src/cli/status.ts';
import { finishRun, insertRun } from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';

for (const backend of backends()) {
  describe(`cli: status never passes a dry run off as a real one (issue 18, item 2, ${backend})`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await t.close();
    });

    it('when a dry run and a real run are recorded, then status marks the dry one and only it', async () => {
      for (const [id, dryRun, startedAt] of [
        ['real', false, '2026-12-01T01:00:00.000Z'],
        ['dry', true, '2026-12-01T02:00:00.000Z'],
      ] as const) {
        await insertRun(t.db, {
          id,
          job: 'nightly',
          dryRun,
          partnerFilter: null,
          startedAt,
          host: 'test',
          pid: 1,
        });
        await finishRun(t.db, id, {
          status: 'ok',
          exitCode: 0,
          finishedAt: startedAt,
          counts: {},
          reportDir: '',
          error: null,
        });
      }
      const status = await readStatus(t.db);
      expect(status.lastRuns.map((r) => [r.runId, r.dryRun]).sort()).to.deep.equal([
        ['dry', true],
        ['real', false],
      ]);
      const lines = renderStatus(status).split('\n');
      expect(lines.find((l) => l.includes('  dry  '))).to.contain('dry run: nothing changed');
      expect(lines.find((l) => l.includes('  real  '))).not.to.contain('dry run');
    });
  });
}
