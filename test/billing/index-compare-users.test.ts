import { expect } from 'chai';
import {
  BillingReportError,
  BillingUserIndex,
  checkBillingTotals,
  compareUsers,
  emptyBillingUserCounts,
  indexUsers,
  readBillingUserReportBatches,
  type BillingUserResult,
} from '../../src/billing/index.ts';
import { readBillingLedgerPages } from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { piecesOf } from './support.ts';

const NOW = '2026-01-10T02:00:00.000Z';
const HEADER = 'Customer Org ID,Customer External ID,Subscriber ID,User Email,Package,Days\r\n';
const PERIOD = { start: '2026-02-01', end: '2026-02-28' };

/** A USER report line of the simulator's columns. */
const line = (email: string, pkg = 'webex_meetings', org = 'ORG-1') =>
  `${org},acme-1,S-${email},${email},${pkg},28\r\n`;

/** A subscriber row of acme's ledger, provisioned and seen now. */
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

for (const backend of backends()) {
  describe(`billing: a USER report and the ledger read into one index by email (${backend})`, function () {
    let t: TestDb;

    beforeEach(async () => {
      t = await freshDb(backend);
      await t.db('partners').insert({ id: 'acme', locale: 'en', created_at: NOW, updated_at: NOW });
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

    async function compare(report: string, partners = ['acme']) {
      const index = await indexUsers(
        { db: t.db },
        partners,
        readBillingUserReportBatches(piecesOf(report, 64)),
      );
      const counts = emptyBillingUserCounts();
      const view = { partners, reported: new Set(partners) };
      const uc = { partner: 'acme', period: PERIOD, ownOrgIds: new Set(['ORG-SELF']) };
      const results: BillingUserResult[] = [];
      for (const r of compareUsers(index, view, uc, counts, new Map())) results.push(r);
      return { lines: index.lines, counts, results };
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

    it('when the report comes out of email order, then each user is classified once, ledger users in the ledger order then the others in the report order, and the counts add up', async () => {
      const { lines: read, counts, results } = await compare(HEADER + lines.join(''));
      expect(read).to.equal(lines.length);
      expect(results.map((r) => r.email)).to.deep.equal([
        ...Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}@acme.example`),
        'differs@acme.example',
        'idle@acme.example',
        'gone@acme.example',
        'zed@acme.example',
        'stray@elsewhere.example',
        'self@partner.example',
      ]);
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
      expect(results.find((r) => r.email === 'gone@acme.example')?.removedAt).to.equal(
        '2026-01-20T00:00:00.000Z',
      );
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

    it('when the ledger is read a few subscribers a page, then each subscriber comes once, in the order stored, the last page full or not', async () => {
      const stored = (
        (await t.db('subscribers').where({ partner_id: 'acme' }).orderBy('id').select('email')) as {
          email: string;
        }[]
      ).map((r) => r.email);
      expect(stored).to.have.length(34);
      // 34 subscribers: pages of 4 end on a page of 2, pages of 17 on two full pages.
      for (const pageRows of [4, 17]) {
        const read: string[] = [];
        for await (const page of readBillingLedgerPages(t.db, 'acme', pageRows))
          for (const [email] of page) read.push(email);
        expect(read, `pages of ${pageRows}`).to.deep.equal(stored);
      }
    });

    it('when a line cannot be read after batches were read, then the report is refused naming the line', async () => {
      const many = Array.from({ length: 5000 }, (_, i) => line(`x${i}@acme.example`));
      const report =
        HEADER + many.join('') + 'ORG-1,acme-1,S-x,x@acme.example,webex_meetings,2.5\r\n';
      let refused: unknown = null;
      await compare(report).catch((e: unknown) => {
        refused = e;
      });
      expect(refused).to.be.instanceOf(BillingReportError);
      expect((refused as Error).message).to.contain(`line ${many.length + 2}`);
    });

    it('when two partners share the Webex, then both ledgers are compared with the one report, each user under its partner', async () => {
      await t.db('partners').insert({ id: 'beta', locale: 'en', created_at: NOW, updated_at: NOW });
      const beta = (email: string) =>
        sub(email, {
          partner_id: 'beta',
          customer_external_id: 'beta-1',
          desired: '{"package":"webex_calling"}',
        });
      await t.db('subscribers').insert([beta('n@beta.example'), beta('a@beta.example')]);
      const report = HEADER + lines.join('') + line('n@beta.example', 'webex_calling', 'ORG-B');
      const { counts, results } = await compare(report, ['acme', 'beta']);
      const of = (email: string) => results.find((r) => r.email === email);
      expect(of('n@beta.example')).to.include({ partner: 'beta', category: 'matched' });
      expect(of('a@beta.example')).to.include({ partner: 'beta', category: 'notBilled' });
      expect(of('zed@acme.example')).to.include({ partner: 'acme', category: 'matched' });
      expect(counts).to.deep.include({ billed: 35, ledger: 35, matched: 32, notBilled: 2 });
      expect(checkBillingTotals(counts)).to.equal(null);
    });
  });
}

describe('billing: the user index', function () {
  it('when thousands of users are only billed before the ledger arrives, then the ledger users still find their lines and the order is the same', () => {
    const index = new BillingUserIndex();
    const billed = (email: string, pkg = 'webex_meetings') =>
      index.addBilledLine({
        email,
        package: pkg,
        customerOrgId: 'ORG-1',
        customerExternalId: 'acme-1',
      });
    for (let i = 0; i < 3000; i++) billed(`stray${i}@elsewhere.example`);
    billed('late@acme.example');
    billed('late@acme.example', 'webex_calling');
    billed('late@acme.example');
    const at = Date.parse('2026-01-10T02:00:00.000Z');
    index.addLedgerPage('acme', [
      ['late@acme.example', 'acme-1', 'webex_meetings', 1, 'provisioned', at, at],
      ['idle@acme.example', 'acme-1', 'webex_meetings', 1, 'provisioned', null, at],
    ]);
    const users = [...index.users()];
    expect(users.map((u) => u.email).slice(0, 3)).to.deep.equal([
      'late@acme.example',
      'idle@acme.example',
      'stray0@elsewhere.example',
    ]);
    expect(users).to.have.length(3002);
    const late = users[0];
    // One line per (package, org): the third line repeats the first.
    expect(late?.billed.map((b) => b.package)).to.deep.equal(['webex_meetings', 'webex_calling']);
    expect(late?.ledger).to.deep.equal([
      {
        partner: 'acme',
        email: 'late@acme.example',
        customerExternalId: 'acme-1',
        package: 'webex_meetings',
        inWebex: true,
        webexStatus: 'provisioned',
        seenAtMs: at,
        createdAtMs: at,
      },
    ]);
    expect(users[1]?.billed).to.deep.equal([]);
    expect(users[1]?.ledger[0]?.seenAtMs).to.equal(null);
    expect(index.lines).to.equal(3003);
  });
});
