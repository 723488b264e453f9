import { expect } from 'chai';
import {
  deleteFileRows,
  listRetiredFiles,
  pruneRuns,
  pruneScheduleFires,
  type Db,
} from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';

const OLD = '2026-01-01T00:00:00.000Z';
const BEFORE = '2026-06-01T00:00:00.000Z';

async function run(db: Db, id: string, job: string, startedAt: string, more = {}) {
  await db('runs').insert({
    id,
    job,
    status: 'ok',
    dry_run: false,
    started_at: startedAt,
    finished_at: startedAt,
    host: 'test',
    pid: 1,
    ...more,
  });
}

/** A processed file with one customer row; returns the row's id. */
async function fileWithRow(
  db: Db,
  id: number,
  row: { result: string | null; updatedAt?: string; createdAt?: string },
): Promise<number> {
  await db('files').insert({
    id,
    partner_id: 'acme',
    run_id: 'n1',
    name: `f${id}.csv`,
    sha256: String(id).padStart(64, '0'),
    format: 'csv',
    status: 'processed',
    stored_path: `archive/acme/f${id}.csv`,
    created_at: row.createdAt ?? OLD,
  });
  await db('row_outcomes').insert({
    id: id * 10,
    file_id: id,
    run_id: 'n1',
    partner_id: 'acme',
    sheet: '',
    row_number: 2,
    kind: 'customer',
    entity_key: 'c-1',
    outcome: 'accepted',
    result: row.result,
    updated_at: row.updatedAt ?? OLD,
  });
  await db('row_issues').insert({
    file_id: id,
    row_outcome_id: id * 10,
    run_id: 'n1',
    partner_id: 'acme',
    code: 'ADDRESS_HINT',
    message: 'a warning',
    created_at: OLD,
  });
  return id * 10;
}

async function change(db: Db, key: string, sourceRowId: number, status: string) {
  await db('changes').insert({
    partner_id: 'acme',
    entity: 'customer',
    entity_id: 1,
    entity_key: 'c-1',
    action: 'update',
    idempotency_key: key,
    desired_hash: 'h',
    payload: '{}',
    status,
    source_row_id: sourceRowId,
    run_id: 'n1',
    created_at: OLD,
    updated_at: OLD,
  });
}

for (const backend of backends())
  describe(`store: what retention may prune from the ledger (issue 19, item 3; ${backend})`, () => {
    let t: TestDb;
    let db: Db;
    beforeEach(async () => {
      t = await freshDb(backend);
      db = t.db;
      await db('partners').insert({ id: 'acme', locale: 'en', created_at: OLD, updated_at: OLD });
      await run(db, 'n1', 'nightly', '2026-01-01T01:00:00.000Z');
    });
    afterEach(async () => t.close());

    it('when old files are superseded, then only the one whose rows nothing needs is retired; a current, pending, open or recent row holds its file', async () => {
      const superseded = await fileWithRow(db, 1, { result: 'updated' });
      await fileWithRow(db, 2, { result: 'pending' }); // an RPL review, a retry later
      const current = await fileWithRow(db, 3, { result: 'created' });
      const awaited = await fileWithRow(db, 4, { result: null });
      await fileWithRow(db, 5, { result: 'created', updatedAt: '2026-07-01T00:00:00.000Z' });
      await fileWithRow(db, 6, { result: 'created', createdAt: '2026-07-01T00:00:00.000Z' });
      await db('customers').insert({
        id: 1,
        partner_id: 'acme',
        external_id: 'c-1',
        desired: '{}',
        desired_hash: 'h',
        desired_action: 'upsert',
        source_row_id: current,
        created_at: OLD,
        updated_at: OLD,
      });
      await change(db, 'k-done', superseded, 'done');
      await change(db, 'k-awaiting', awaited, 'awaiting');

      const retired = await listRetiredFiles(db, BEFORE);
      expect(retired.map((f) => [f.id, f.hasRows, f.archivePruned])).to.deep.equal([
        [1, true, false],
      ]);
      expect(await deleteFileRows(db, [1], true)).to.equal(1);
      expect(await db('row_outcomes').where({ file_id: 1 })).to.have.length(1);

      expect(await deleteFileRows(db, [1], false)).to.equal(1);
      expect(await db('row_outcomes').where({ file_id: 1 })).to.have.length(0);
      expect(await db('row_issues').where({ file_id: 1 })).to.have.length(0);
      // The finished change stays (its idempotency key), detached from the row; the file's record
      // stays, so the same bytes sent again are a duplicate.
      expect(await db('changes').where({ idempotency_key: 'k-done' }).first()).to.include({
        source_row_id: null,
        status: 'done',
      });
      expect(await db('files').where({ id: 1 }).first()).to.include({ name: 'f1.csv' });
      expect((await listRetiredFiles(db, BEFORE)).map((f) => [f.id, f.hasRows])).to.deep.equal([
        [1, false],
      ]);
      expect(await deleteFileRows(db, [1], false)).to.equal(0);
      // The rows of a customer's current state are never deleted: the database refuses it.
      let refused: unknown = null;
      await deleteFileRows(db, [3], false).catch((err: unknown) => (refused = err));
      expect(refused).to.be.an('error');
      expect(await db('row_outcomes').where({ file_id: 3 })).to.have.length(1);
    });

    it('when runs are old, then those nothing reads go: each job keeps its latest, latest finished and latest completed run, runs with files, and every run since the last complete results rewrite', async () => {
      await run(db, 'rpl-a', 'rpl-recheck', '2026-01-02T00:00:00.000Z');
      await run(db, 'rpl-b', 'rpl-recheck', '2026-01-03T00:00:00.000Z', { status: 'failed' });
      await run(db, 'rpl-c', 'rpl-recheck', '2026-07-01T00:00:00.000Z');
      await run(db, 'rec-d', 'reconcile', '2026-01-02T00:00:00.000Z');
      await run(db, 'rec-e', 'reconcile', '2026-01-03T00:00:00.000Z', { status: 'failed' });
      await run(db, 'n2', 'nightly', '2026-02-01T00:00:00.000Z');
      await run(db, 'n3', 'nightly', '2026-03-01T00:00:00.000Z', { status: 'failed' });
      await run(db, 'n4', 'nightly', '2026-07-01T00:00:00.000Z', { dry_run: true });
      await run(db, 'stuck', 'import', '2026-01-02T00:00:00.000Z', {
        status: 'running',
        finished_at: null,
      });
      await fileWithRow(db, 1, { result: 'created' }); // recorded by n1

      expect(await pruneRuns(db, BEFORE, true)).to.equal(2);
      expect(await db('runs')).to.have.length(10);
      expect(await pruneRuns(db, BEFORE, false)).to.equal(2);
      const left = ((await db('runs').orderBy('id').pluck('id')) as string[]).sort();
      expect(left).to.deep.equal(
        ['n1', 'n2', 'n3', 'n4', 'rec-d', 'rec-e', 'rpl-c', 'stuck'].sort(),
      );
      expect(await pruneRuns(db, BEFORE, false)).to.equal(0);
    });

    it('when schedule fires are old, then the finished ones go but each job keeps its latest, and an interrupted one stays to be finished', async () => {
      const fire = (job: string, at: string, status: string) =>
        db('schedule_fires').insert({
          job,
          scheduled_at: at,
          claimed_by: 's1',
          host: 'test',
          pid: 1,
          reason: 'scheduled',
          status,
          claimed_at: at,
        });
      await fire('nightly', '2026-01-01T02:00:00.000Z', 'done');
      await fire('nightly', '2026-01-02T02:00:00.000Z', 'skipped');
      await fire('nightly', '2026-01-03T02:00:00.000Z', 'interrupted');
      await fire('nightly', '2026-07-01T02:00:00.000Z', 'done');
      await fire('rpl-recheck', '2026-01-01T02:00:00.000Z', 'done');

      expect(await pruneScheduleFires(db, BEFORE, true)).to.equal(2);
      expect(await pruneScheduleFires(db, BEFORE, false)).to.equal(2);
      const left = (await db('schedule_fires')
        .orderBy(['job', 'scheduled_at'])
        .select('job', 'scheduled_at')) as { job: string; scheduled_at: string }[];
      expect(left.map((f) => `${f.job} ${f.scheduled_at.slice(0, 10)}`)).to.deep.equal([
        'nightly 2026-01-03',
        'nightly 2026-07-01',
        'rpl-recheck 2026-01-01',
      ]);
      expect(await pruneScheduleFires(db, BEFORE, false)).to.equal(0);
    });
  });
