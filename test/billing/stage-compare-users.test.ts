import { expect } from 'chai';
import {
  BillingReportError,
  checkBillingTotals,
  compareUsers,
  emptyBillingUserCounts,
  stageUserReport,
  type BillingUserResult,
} from '../../src/billing/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { piecesOf } from './support.ts';

const NOW = '2026-01-10T02:00:00.000Z';
const HEADER = 'Customer Org ID,Customer External ID,Subscriber ID,User Email,Package,Days\r\n';
const PERIOD = { start: '2026-02-01', end: '2026-02-28' };

/** A USER report line of the simulator's columns. */
const line = (email: string, pkg = 'webex_meetings', org = 'ORG-1') =>
  `${org},acme-1,S-${email},${email},${pkg},28\r\n`;

for (const backend of backends()) {
  describe(`billing: a USER report staged and merged with the ledger in email order (${backend})`, function () {
    let t: TestDb;

    beforeEach(async () => {
      t = await freshDb(backend);
      await t.db('partners').insert({ id: 'acme', locale: 'en', created_at: NOW, updated_at: NOW });
      const sub = (email: string, over: Record<string, unknown> = {}) => ({
        partner_id: 'acme',
        customer_external_id: 'acme-1',
        email,
        desired: '{"package":"webex_meetings"}',
        desired_hash: 'h',
        desired_action: 'upsert',
        webex_id: `W-${email}`,
        webex_status: 'provisioned',
        webex_seen_at: NOW,
        created_at: NOW,
        updated_at: NOW,
        ...over,
      });
      await t.db('subscribers').insert([
        ...Array.from({ length: 30 }, (_, i) => sub(`m${String(i).padStart(2, '0')}@acme.example`)),
        sub('differs@acme.example'),
        sub('idle@acme.example'),
        sub('gone@acme.example', {
          desired_action: 'delete',
          webex_status: 'deleted',
          webex_seen_at: '2026-01-20T00:00:00.000Z',
        }),
        // Byte order puts upper case first: 'Z' < 'a'. Emails are compared lower-cased.
        sub('zed@acme.example'),
      ]);
    });
    afterEach(async () => {
      await t.close();
    });

    async function compare(
      report: string,
      batchLines?: number,
      pageRows?: number,
      partners = ['acme'],
    ) {
      const scope = { db: t.db, runId: 'run-1' };
      const staged = await stageUserReport(scope, 'acme', piecesOf(report, 64), batchLines);
      const counts = emptyBillingUserCounts();
      const view = { key: 'acme', partners, reported: new Set(partners) };
      const uc = { partner: 'acme', period: PERIOD, ownOrgIds: new Set(['ORG-SELF']) };
      const results: BillingUserResult[] = [];
      for await (const r of compareUsers(scope, view, uc, counts, new Map(), pageRows))
        results.push(r);
      return { staged, counts, results };
    }

    // Every kind of user, in an order the merge does not read them in.
    const lines = [
      line('ZED@acme.example'),
      line('stray@elsewhere.example', 'webex_meetings', 'ORG-2'),
      ...Array.from({ length: 30 }, (_, i) =>
        line(`m${String(29 - i).padStart(2, '0')}@acme.example`),
      ),
      line('differs@acme.example', 'webex_calling'),
      line('gone@acme.example'),
      line('m05@acme.example', 'webex_calling'),
      line('self@partner.example', 'webex_meetings', 'ORG-SELF'),
    ];

    for (const [batchLines, pageRows] of [
      [undefined, undefined],
      [4, 3],
    ]) {
      it(`when the report comes out of email order${batchLines ? ` staged in batches of ${batchLines} and read in pages of ${pageRows}` : ''}, then each user is classified once, in byte order of email, and the counts add up`, async () => {
        const { staged, counts, results } = await compare(
          HEADER + lines.join(''),
          batchLines,
          pageRows,
        );
        expect(staged).to.equal(lines.length);
        const emails = results.map((r) => r.email);
        expect(emails).to.deep.equal(
          [...new Set(emails)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        );
        const category = Object.fromEntries(results.map((r) => [r.email, r.category]));
        expect(category).to.include({
          'zed@acme.example': 'matched',
          'stray@elsewhere.example': 'unknown',
          'differs@acme.example': 'packageDiffers',
          'gone@acme.example': 'billedAfterRemoval',
          'idle@acme.example': 'notBilled',
          'self@partner.example': 'partnerOwnOrg',
          'm05@acme.example': 'matched',
        });
        expect(results.find((r) => r.email === 'm05@acme.example')?.billedPackages).to.deep.equal([
          'webex_calling',
          'webex_meetings',
        ]);
        expect(counts).to.deep.include({
          billed: 34,
          ledger: 33,
          matched: 31,
          packageDiffers: 1,
          unknown: 1,
          billedAfterRemoval: 1,
          notBilled: 1,
          partnerOwnOrg: 1,
        });
        expect(checkBillingTotals(counts)).to.equal(null);
      });
    }

    it('when a line cannot be read after batches were staged, then the report is refused naming the line', async () => {
      const report =
        HEADER + lines.join('') + 'ORG-1,acme-1,S-x,x@acme.example,webex_meetings,2.5\r\n';
      const scope = { db: t.db, runId: 'run-1' };
      let refused: unknown = null;
      await stageUserReport(scope, 'acme', piecesOf(report, 64), 4).catch((e: unknown) => {
        refused = e;
      });
      expect(refused).to.be.instanceOf(BillingReportError);
      expect((refused as Error).message).to.contain(`line ${lines.length + 2}`);
    });

    it('when the same run stages the report again (a retry), then the earlier lines are replaced, not added', async () => {
      await compare(HEADER + lines.join(''));
      const { counts } = await compare(HEADER + lines.join(''));
      expect(counts.billed).to.equal(34);
      expect(checkBillingTotals(counts)).to.equal(null);
    });

    it('when two partners share the Webex, then both ledgers are merged in one email order, each user under its partner', async () => {
      await t.db('partners').insert({ id: 'beta', locale: 'en', created_at: NOW, updated_at: NOW });
      const beta = (email: string) => ({
        partner_id: 'beta',
        customer_external_id: 'beta-1',
        email,
        desired: '{"package":"webex_calling"}',
        desired_hash: 'h',
        desired_action: 'upsert',
        webex_id: `W-${email}`,
        webex_status: 'provisioned',
        webex_seen_at: NOW,
        created_at: NOW,
        updated_at: NOW,
      });
      await t.db('subscribers').insert([beta('n@beta.example'), beta('a@beta.example')]);
      const report = HEADER + lines.join('') + line('n@beta.example', 'webex_calling', 'ORG-B');
      const { counts, results } = await compare(report, 5, 2, ['acme', 'beta']);
      const emails = results.map((r) => r.email);
      expect(emails).to.deep.equal([...emails].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const of = (email: string) => results.find((r) => r.email === email);
      expect(of('n@beta.example')).to.include({ partner: 'beta', category: 'matched' });
      expect(of('a@beta.example')).to.include({ partner: 'beta', category: 'notBilled' });
      expect(of('zed@acme.example')).to.include({ partner: 'acme', category: 'matched' });
      expect(counts).to.deep.include({ billed: 35, ledger: 35, matched: 32, notBilled: 2 });
      expect(checkBillingTotals(counts)).to.equal(null);
    });
  });
}
