import { expect } from 'chai';
import {
  beginFile,
  ensurePartner,
  finishFile,
  releaseStatements,
  stageFile,
  stageRows,
  STAGE_BATCH,
  type FileRecord,
  type StagedRow,
} from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { processedFile } from '../support/staging.ts';

const NOW = '2026-11-24T00:00:00.000Z';

function fileRecord(sha: string): FileRecord {
  return processedFile({ runId: 'r1', name: 'users.csv', sha256: sha.repeat(64), now: NOW });
}

/** Row i: every third refused with one issue, the others accepted subscribers of c-1. */
function rows(n: number): StagedRow[] {
  return Array.from({ length: n }, (_, i): StagedRow => {
    const email = `u${i}@x.example`;
    if (i % 3 === 0)
      return {
        sheet: '',
        row: i + 2,
        kind: 'subscriber',
        entityKey: `c-1/${email}`,
        issues: [
          { column: 'email', value: email, code: 'INVALID_EMAIL', params: {}, message: 'bad' },
        ],
      };
    return {
      sheet: '',
      row: i + 2,
      kind: 'subscriber',
      entityKey: `c-1/${email}`,
      issues: [],
      desired: { action: 'upsert', hash: 'h', doc: { email }, customerExternalId: 'c-1', email },
    };
  });
}

/** Every staged subscriber and issue points at the outcome row of its own sheet row. */
async function expectLinked(t: TestDb, fileId: number, n: number): Promise<void> {
  const linked = (await t
    .db('subscribers as s')
    .join('row_outcomes as o', 'o.id', 's.source_row_id')
    .where('o.file_id', fileId)
    .select('s.email', 'o.row_number')) as { email: string; row_number: number }[];
  expect(linked).to.have.length(n - Math.ceil(n / 3));
  for (const l of linked) expect(l.email).to.equal(`u${l.row_number - 2}@x.example`);
  const issues = (await t
    .db('row_issues as i')
    .join('row_outcomes as o', 'o.id', 'i.row_outcome_id')
    .where('i.file_id', fileId)
    .select('i.row_number as issueRow', 'o.row_number as outcomeRow')) as {
    issueRow: number;
    outcomeRow: number;
  }[];
  expect(issues).to.have.length(Math.ceil(n / 3));
  for (const i of issues) expect(i.issueRow).to.equal(i.outcomeRow);
  const file = (await t.db('files').where({ id: fileId }).first()) as Record<string, unknown>;
  expect([file.rows_total, file.rows_accepted, file.rows_rejected].map(Number)).to.deep.equal([
    n,
    n - Math.ceil(n / 3),
    Math.ceil(n / 3),
  ]);
}

for (const backend of backends()) {
  describe(`store: staging links every row's outcome, issues and desired state (${backend})`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
      await ensurePartner(t.db, 'acme', 'en', NOW);
      await t.db('runs').insert({
        id: 'r1',
        job: 'import',
        status: 'running',
        dry_run: false,
        started_at: NOW,
        host: 'test',
        pid: process.pid,
      });
    });
    afterEach(() => t.close());

    it('when a file is staged outside a transaction, then each accepted row and each issue points at its own outcome row', async () => {
      const fileId = await stageFile(t.db, fileRecord('a'), rows(700));
      await expectLinked(t, fileId, 700);
    });

    it('when a file is staged in batches inside a transaction (the import), then the links hold across batches of every shape', async () => {
      const all = rows(STAGE_BATCH * 2 + 37);
      const trx = await t.db.transaction();
      const fileId = await beginFile(trx, fileRecord('b'));
      for (let i = 0; i < all.length; i += STAGE_BATCH)
        await stageRows(trx, fileRecord('b'), fileId, all.slice(i, i + STAGE_BATCH));
      const accepted = all.filter((r) => r.desired).length;
      await finishFile(trx, fileId, {
        total: all.length,
        accepted,
        rejected: all.length - accepted,
      });
      await releaseStatements(trx);
      await trx.commit();
      await expectLinked(t, fileId, all.length);
    });

    it('when one batch holds 12,000 rows, then each table takes it in one statement of a dozen parameters at most, and every row is linked', async () => {
      // A multi-row VALUES binds one parameter per cell: on PostgreSQL 12,000 outcome rows are
      // 108,000 parameters, past its limit of 65,535. Arrays (unnest) or one JSON text (SQLite) are not.
      const all = rows(12_000);
      const statements: { sql: string; bindings: number }[] = [];
      const listen = (q: { sql: string; bindings?: unknown[] }) =>
        statements.push({ sql: q.sql, bindings: q.bindings?.length ?? 0 });
      const trx = await t.db.transaction();
      const fileId = await beginFile(trx, fileRecord('d'));
      t.db.on('query', listen);
      try {
        await stageRows(trx, fileRecord('d'), fileId, all);
      } catch (err) {
        await trx.rollback();
        throw err;
      } finally {
        t.db.off('query', listen);
      }
      const accepted = all.filter((r) => r.desired).length;
      await finishFile(trx, fileId, {
        total: all.length,
        accepted,
        rejected: all.length - accepted,
      });
      await releaseStatements(trx);
      await trx.commit();
      await expectLinked(t, fileId, all.length);
      // On SQLite staging runs its prepared statements on the driver itself (knex sees none).
      expect(statements.length).to.be.at.most(3);
      for (const s of statements) expect(s.bindings, s.sql).to.be.at.most(12);
    });

    it('when the transaction is rolled back, then nothing of the file is left', async () => {
      const trx = await t.db.transaction();
      const fileId = await beginFile(trx, fileRecord('c'));
      await stageRows(trx, fileRecord('c'), fileId, rows(50));
      await releaseStatements(trx);
      await trx.rollback();
      for (const table of ['files', 'row_outcomes', 'row_issues', 'subscribers'])
        expect(Number((await t.db(table).count({ n: '*' }))[0]?.n), table).to.equal(0);
    });
  });
}
