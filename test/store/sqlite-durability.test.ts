import { expect } from 'chai';
import { freshDb, type TestDb } from '../support/db.ts';

/**
 * A COMMIT on the program's SQLite connection is on disk when it returns. In WAL mode with
 * `synchronous = NORMAL` (what the ledger had) a commit is only fsynced at the next checkpoint: a
 * power cut or an OS crash takes back the last ones, among them a change recorded as sent before
 * its request left, so the next run would send it again instead of looking it up (never twice).
 */
describe('store: a commit on SQLite is durable before it returns (sqlite)', function () {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb('sqlite');
  });
  afterEach(async () => {
    await t.close();
  });

  it('when the program opens its ledger, then the journal is WAL and synchronous is FULL', async function () {
    const [journal] = (await t.db.raw('PRAGMA journal_mode')) as { journal_mode: string }[];
    const [sync] = (await t.db.raw('PRAGMA synchronous')) as { synchronous: number }[];
    expect(journal?.journal_mode).to.equal('wal');
    // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    expect(sync?.synchronous).to.equal(2);
  });
});
