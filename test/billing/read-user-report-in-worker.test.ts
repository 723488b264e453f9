import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BillingReportError,
  readBillingUserReportBatches,
  readUserReportInWorker,
  type BilledLine,
} from '../../src/billing/index.ts';
import { piecesOf } from './support.ts';

const HEADER = 'Customer Org ID,Customer External ID,Subscriber ID,User Email,Package,Days\r\n';
const report = (lines: number) =>
  HEADER +
  Array.from(
    { length: lines },
    (_, i) =>
      `ORG-${i % 7},c${i % 7},S${i},User${i}@Acme.example,${i % 3 ? 'Webex Meetings' : 'webex_calling'},28\r\n`,
  ).join('');

/** A download that arrives slowly, a piece at a time. */
async function* slowly(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    await sleep(1);
    yield bytes.subarray(i, i + size);
  }
}

const fields = (l: BilledLine) => [l.email, l.package, l.customerOrgId, l.customerExternalId];

describe('billing: a USER report read in batches, in this thread or a worker', function () {
  it('when the download is slow and the reader is slower, then every line is read once (a record that came while a batch was held is not forgotten)', async () => {
    const text = report(3000);
    const read: BilledLine[] = [];
    for await (const batch of readBillingUserReportBatches(slowly(text, 4096))) {
      read.push(...batch);
      await sleep(5);
    }
    expect(read).to.have.length(3000);
    expect(read[2999]).to.include({ email: 'user2999@acme.example', package: 'webex_meetings' });
  });

  it('when read in a worker thread, then the lines are the ones the reader of this thread gives, in order', async function () {
    this.timeout(30_000);
    const text = report(12_000);
    const here: unknown[] = [];
    for await (const batch of readBillingUserReportBatches(piecesOf(text, 5000)))
      here.push(...batch.map(fields));
    const there: unknown[] = [];
    for await (const batch of readUserReportInWorker(slowly(text, 16_384))) {
      there.push(...batch.map(fields));
      await sleep(2);
    }
    expect(there).to.have.length(12_000);
    expect(there).to.deep.equal(here);
  });

  it('when a line cannot be read in the worker, then the same refusal comes back naming the line', async function () {
    this.timeout(30_000);
    const text = report(5000) + 'ORG-1,c1,S,x@acme.example,webex_meetings,2.5\r\n';
    let refused: unknown = null;
    try {
      for await (const _ of readUserReportInWorker(piecesOf(text, 8192))) void _;
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(BillingReportError);
    expect((refused as BillingReportError).code).to.equal('BILLING_MALFORMED');
    expect((refused as Error).message).to.equal(
      "billing report line 5002, days: '2.5' is not a whole number",
    );
  });

  it('when the download breaks, then the read fails with its error', async function () {
    this.timeout(30_000);
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from(report(10));
      await sleep(1);
      throw new Error('connection reset');
    }
    let failed: unknown = null;
    try {
      for await (const _ of readUserReportInWorker(broken())) void _;
    } catch (err) {
      failed = err;
    }
    expect((failed as Error).message).to.equal('connection reset');
  });
});
