import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  completedOutcomes,
  ensurePartner,
  entitiesCompletedInRun,
  failedChanges,
  recordFile,
  stageFile,
  type FileRecord,
} from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { processedFile } from '../support/staging.ts';

const TABLES = [
  'partners',
  'runs',
  'leases',
  'files',
  'row_outcomes',
  'row_issues',
  'customers',
  'subscribers',
  'changes',
  'rpl_checks',
  'rpl_status_changes',
  'rpl_contact_attempts',
];

for (const backend of backends()) {
  describe(`store: migrations and staging (${backend})`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
      await t.db('runs').insert({
        id: 'run-1',
        job: 'import',
        status: 'running',
        dry_run: false,
        started_at: 'x',
        host: 'h',
        pid: 1,
      });
      await ensurePartner(t.db, 'acme', 'en', '2026-01-01T00:00:00.000Z');
    });
    afterEach(async () => {
      await t.close();
    });

    const file = (over: Partial<FileRecord> = {}): FileRecord =>
      processedFile({ size: 10, ...over });

    it('when migrated, then every table of the model exists', async () => {
      for (const table of TABLES) expect(await t.db.schema.hasTable(table), table).to.equal(true);
    });

    it('when the same bytes are processed twice for a partner, then the database refuses the second', async () => {
      await stageFile(t.db, file(), []);
      let refused = false;
      try {
        await stageFile(t.db, file({ name: 'again.csv' }), []);
      } catch {
        refused = true;
      }
      expect(refused).to.equal(true);
      // duplicates and quarantines of the same bytes may be recorded any number of times
      await recordFile(t.db, file({ status: 'duplicate', code: 'FILE_DUPLICATE' }));
      await recordFile(t.db, file({ status: 'duplicate', code: 'FILE_DUPLICATE' }));
      expect(await t.db('files').count({ n: '*' }).first()).to.deep.equal({ n: 3 });
    });

    it('when a file is staged, then every row has one outcome, issues point at their row, and desired state is upserted', async () => {
      const rows = [
        {
          sheet: '',
          row: 2,
          kind: 'customer' as const,
          entityKey: 'c1',
          issues: [],
          desired: { action: 'upsert' as const, hash: 'h1', doc: { externalId: 'c1' } },
        },
        {
          sheet: '',
          row: 3,
          kind: 'customer' as const,
          entityKey: 'c2',
          issues: [
            {
              column: 'country',
              value: 'Brasil',
              code: 'INVALID_COUNTRY',
              params: { value: 'Brasil' },
              message: 'row 3 …',
            },
          ],
        },
      ];
      const fileId = await stageFile(t.db, file(), rows);
      const outcomes = (await t
        .db('row_outcomes')
        .where({ file_id: fileId })
        .orderBy('row_number')) as { row_number: number; outcome: string }[];
      expect(outcomes.map((o) => [o.row_number, o.outcome])).to.deep.equal([
        [2, 'accepted'],
        [3, 'rejected'],
      ]);
      const issue = (await t.db('row_issues').first()) as {
        row_number: number;
        column: string;
        code: string;
      };
      expect([issue.row_number, issue.column, issue.code]).to.deep.equal([
        3,
        'country',
        'INVALID_COUNTRY',
      ]);
      const f = (await t.db('files').where({ id: fileId }).first()) as {
        rows_total: number;
        rows_accepted: number;
        rows_rejected: number;
      };
      expect([f.rows_total, f.rows_accepted, f.rows_rejected]).to.deep.equal([2, 1, 1]);

      await stageFile(t.db, file({ sha256: 'b'.repeat(64) }), [
        {
          ...rows[0]!,
          desired: { action: 'upsert', hash: 'h2', doc: { externalId: 'c1', name: 'new' } },
        },
      ]);
      const customers = (await t.db('customers').select('external_id', 'desired_hash')) as {
        external_id: string;
        desired_hash: string;
      }[];
      expect(customers).to.deep.equal([{ external_id: 'c1', desired_hash: 'h2' }]);
    });
  });
}

describe('knexfile.ts', () => {
  it('when a run counts what it completed (SQLite), then it reads the outbox by index, not from its first row', async () => {
    const t = await freshDb('sqlite');
    try {
      // The statements the per-run reads send, captured as they go, then asked for their plan.
      const sent: { sql: string; bindings: readonly unknown[] }[] = [];
      const listen = (q: { sql: string; bindings: readonly unknown[] }) => sent.push(q);
      t.db.on('query', listen);
      await entitiesCompletedInRun(t.db, 'acme', 'subscriber', 'run-1');
      await completedOutcomes(t.db, 'acme', 'run-1');
      await failedChanges(t.db, 'acme', 'run-1');
      t.db.removeListener('query', listen);
      expect(sent).to.have.length(3);
      for (const q of sent) {
        const plan = (await t.db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as never[])) as {
          detail: string;
        }[];
        expect(plan.map((p) => p.detail).join(' | '), q.sql).to.match(
          /SEARCH changes USING (COVERING )?INDEX changes_run_idx/,
        );
      }
    } finally {
      await t.close();
    }
  });

  it('when the knex CLI runs migrate:latest with it, then the schema is created', async function () {
    this.timeout(60_000);
    const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-knexfile-'));
    const env: NodeJS.ProcessEnv = { ...process.env, RTM_HOME: home };
    delete env.DATABASE_URL;
    const run = promisify(execFile);
    const { stdout } = await run('npm', ['run', '--silent', 'knex', '--', 'migrate:latest'], {
      cwd: REPO_ROOT,
      env,
    });
    expect(stdout).to.match(/Batch 1 run: \d+ migrations|Already up to date/);
    const status = await run('npm', ['run', '--silent', 'knex', '--', 'migrate:status'], {
      cwd: REPO_ROOT,
      env,
    });
    expect(status.stdout).to.match(/No Pending Migration files Found/i);
    expect(path.join(home, 'var', 'rtm-batch.sqlite')).to.satisfy((p: string) => p.length > 0);
  });
});
