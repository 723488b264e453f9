import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { readPartnerReport } from '../../src/runs/read-partner-report.ts';
import { ensurePartner, insertRun, stageFile } from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { processedFile } from '../support/staging.ts';

const NOW = '2026-11-24T02:00:00.000Z';

for (const backend of backends()) {
  describe(`readPartnerReport (${backend})`, () => {
    let t: TestDb;
    let home: string;
    beforeEach(async () => {
      t = await freshDb(backend);
      home = await mkdtemp(path.join(tmpdir(), 'rtm-partner-report-'));
      for (const p of ['acme', 'tokyo']) await ensurePartner(t.db, p, 'en', NOW);
      for (const id of ['run-1', 'run-0'])
        await insertRun(t.db, {
          id,
          job: 'nightly',
          dryRun: false,
          partnerFilter: null,
          startedAt: NOW,
          host: 't',
          pid: 1,
        });
    });
    afterEach(async () => {
      await t.close();
      await rm(home, { recursive: true, force: true });
    });

    let seq = 0;
    async function change(runId: string, partner: string, entity: string, outcome: string | null) {
      seq += 1;
      await t.db('changes').insert({
        partner_id: partner,
        entity,
        entity_id: seq,
        entity_key: `k${seq}`,
        action: 'create',
        idempotency_key: `idem-${seq}`,
        desired_hash: 'h',
        payload: '{}',
        status: outcome === null ? 'pending' : 'done',
        outcome,
        run_id: runId,
        created_at: NOW,
        updated_at: NOW,
      });
    }

    it('when a run staged changes for two partners, then it counts them per partner, entity and outcome, unsent as pending, and no other run’s', async () => {
      await change('run-1', 'acme', 'customer', 'created');
      await change('run-1', 'acme', 'subscriber', 'created');
      await change('run-1', 'acme', 'subscriber', 'created');
      await change('run-1', 'acme', 'subscriber', 'failed');
      await change('run-1', 'tokyo', 'subscriber', null);
      await change('run-0', 'tokyo', 'subscriber', 'created');
      const { partnerChanges } = await readPartnerReport(t.db, home, 'run-1');
      const key = (c: { partner: string; entity: string; outcome: string }) =>
        `${c.partner}/${c.entity}/${c.outcome}`;
      expect(Object.fromEntries(partnerChanges.map((c) => [key(c), c.count]))).to.deep.equal({
        'acme/customer/created': 1,
        'acme/subscriber/created': 2,
        'acme/subscriber/failed': 1,
        'tokyo/subscriber/pending': 1,
      });
    });

    it('when customers have package limits, then quota use counts their subscribers per package in SQL, only for partners whose files the run read, deletes left out (R-PKG-3)', async () => {
      await stageFile(
        t.db,
        processedFile({
          runId: 'run-1',
          partner: 'acme',
          name: 'c.csv',
          sha256: '3'.repeat(64),
          now: NOW,
        }),
        [],
      );
      const customer = (
        partner: string,
        externalId: string,
        action: string,
        limits: Record<string, number>,
      ) =>
        t.db('customers').insert({
          partner_id: partner,
          external_id: externalId,
          desired: JSON.stringify({ externalId, limits }),
          desired_hash: 'h',
          desired_action: action,
          created_at: NOW,
          updated_at: NOW,
        });
      const subscriber = (
        partner: string,
        customerId: string,
        email: string,
        pkg: string | null,
        action = 'upsert',
      ) =>
        t.db('subscribers').insert({
          partner_id: partner,
          customer_external_id: customerId,
          email,
          desired: JSON.stringify(pkg === null ? { email } : { email, package: pkg }),
          desired_hash: 'h',
          desired_action: action,
          created_at: NOW,
          updated_at: NOW,
        });
      await customer('acme', 'C-1', 'upsert', { webex_calling: 2, webex_meetings: 5 });
      await customer('acme', 'C-2', 'delete', { webex_calling: 1 });
      await customer('tokyo', 'T-1', 'upsert', { webex_calling: 1 });
      for (const email of ['a@x', 'b@x', 'c@x'])
        await subscriber('acme', 'C-1', email, 'webex_calling');
      await subscriber('acme', 'C-1', 'd@x', 'webex_meetings');
      await subscriber('acme', 'C-1', 'e@x', 'webex_meetings', 'delete');
      await subscriber('acme', 'C-1', 'f@x', null);
      await subscriber('tokyo', 'T-1', 'a@x', 'webex_calling');
      const { quotaUse } = await readPartnerReport(t.db, home, 'run-1');
      expect(quotaUse).to.deep.equal([
        { partner: 'acme', customer: 'C-1', package: 'webex_calling', limit: 2, assigned: 3 },
        { partner: 'acme', customer: 'C-1', package: 'webex_meetings', limit: 5, assigned: 1 },
      ]);
    });

    it('when the run processed two files and one results file is in the outbox, then only that one is linked, under its results name', async () => {
      await stageFile(
        t.db,
        processedFile({
          runId: 'run-1',
          partner: 'acme',
          name: 'clientes.csv',
          sha256: '1'.repeat(64),
          storedPath: 'archive/acme/x.csv',
          now: NOW,
        }),
        [],
      );
      await stageFile(
        t.db,
        processedFile({
          runId: 'run-1',
          partner: 'tokyo',
          name: 'users.xlsx',
          format: 'xlsx',
          sha256: '2'.repeat(64),
          storedPath: 'archive/tokyo/y.xlsx',
          now: NOW,
        }),
        [],
      );
      await mkdir(path.join(home, 'outbox', 'acme'), { recursive: true });
      await writeFile(path.join(home, 'outbox', 'acme', 'clientes.csv.results.csv'), 'x');
      const { resultsFiles } = await readPartnerReport(t.db, home, 'run-1');
      expect(resultsFiles).to.deep.equal([
        { partner: 'acme', source: 'clientes.csv', name: 'clientes.csv.results.csv' },
      ]);
    });
  });
}
