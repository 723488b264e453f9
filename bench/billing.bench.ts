import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import {
  billingCsvRow,
  checkBillingTotals,
  compareUsers,
  emptyBillingUserCounts,
  indexUsers,
  readUserReportInWorker,
} from '../src/billing/index.ts';
import { billingCsvColumns, writeReportCsvBatches } from '../src/reports/index.ts';
import { migrateDb, openDb, type Db } from '../src/store/index.ts';
import { peakRssMB, seconds, type Benchmark } from './harness.ts';

const LINES = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PER_CUSTOMER = 100;
const PARTNER = 'bench';
const NOW = '2026-03-01T00:00:00.000Z';
/** Every 100th user is billed under another package, every 1000th billed unknown to the ledger. */
const DIFFER_EVERY = 100;
const UNKNOWN_EVERY = 1000;

const customer = (c: number) => `c${String(c).padStart(6, '0')}`;
const email = (i: number) =>
  `u${String(i % PER_CUSTOMER).padStart(3, '0')}@${customer(Math.floor(i / PER_CUSTOMER))}.example`;

/** The USER report the simulator would serve for the month: one line per user, its columns. */
async function writeUserReport(file: string): Promise<void> {
  const out = createWriteStream(file);
  const header =
    'Customer Org ID,Customer External ID,Customer Name,Subscriber ID,User Email,Package,Start Date,End Date,Days\r\n';
  out.write(header);
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    const c = customer(Math.floor(i / PER_CUSTOMER));
    const pkg = i % DIFFER_EVERY === 1 ? 'webex_calling' : 'webex_meetings';
    const who = i % UNKNOWN_EVERY === 2 ? `stray${i}@elsewhere.example` : email(i);
    chunk += `ORG-${c},${c},Customer ${c},S${i},${who},${pkg},2026-02-01,2026-02-28,28\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** The ledger: every user of the report (strays excepted) provisioned under webex_meetings. */
async function seedLedger(db: Db): Promise<void> {
  await db('partners').insert({ id: PARTNER, locale: 'en', created_at: NOW, updated_at: NOW });
  const batch = 400;
  for (let start = 0; start < LINES; start += 20_000) {
    await db.transaction(async (trx) => {
      for (let i = start; i < Math.min(LINES, start + 20_000); i += batch) {
        const rows = [];
        for (let k = i; k < Math.min(LINES, i + batch); k++) {
          rows.push({
            partner_id: PARTNER,
            customer_external_id: customer(Math.floor(k / PER_CUSTOMER)),
            email: email(k),
            desired: '{"package":"webex_meetings"}',
            desired_hash: 'h',
            desired_action: 'upsert',
            webex_id: `S${k}`,
            webex_status: 'provisioned',
            webex_seen_at: '2026-01-10T03:00:00.000Z',
            created_at: '2026-01-10T02:00:00.000Z',
            updated_at: '2026-01-10T02:00:00.000Z',
          });
        }
        await trx('subscribers').insert(rows);
      }
    });
  }
}

/**
 * `billing` at a million lines, as runBilling does it: a USER report streamed from a file and parsed
 * in a worker thread while a million ledger subscribers are read from SQLite, both into one index by
 * email, then each user classified and written to billing.csv; against streaming the same CSV
 * through csv-parse alone.
 */
export const billingBench: Benchmark = {
  name: 'billing',
  description: `a USER billing report of ${LINES.toLocaleString('en-US')} lines compared by streaming with as many ledger subscribers vs csv-parse alone over the same file`,
  unit: 'rows/s',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-billing-'));
    const db = openDb({ client: 'sqlite3', connection: path.join(dir, 'ledger.sqlite') });
    try {
      await migrateDb(db);
      const report = path.join(dir, 'user-report.csv');
      await writeUserReport(report);
      await seedLedger(db);
      await db.raw('ANALYZE');

      let parsed = 0;
      const baselineSeconds = await seconds(async () => {
        for await (const _ of createReadStream(report).pipe(parse({ bom: true }))) parsed += 1;
      });

      const counts = emptyBillingUserCounts();
      const scope = { db };
      const period = { start: '2026-02-01', end: '2026-02-28' };
      const uc = { partner: PARTNER, period, ownOrgIds: new Set<string>() };
      const view = { partners: [PARTNER], reported: new Set([PARTNER]) };
      let readSeconds = 0;
      const measured = await seconds(async () => {
        let index: Awaited<ReturnType<typeof indexUsers>> | null = null;
        readSeconds = await seconds(async () => {
          index = await indexUsers(
            scope,
            view.partners,
            readUserReportInWorker(createReadStream(report)),
          );
        });
        const users = compareUsers(
          index as unknown as Awaited<ReturnType<typeof indexUsers>>,
          view,
          uc,
          counts,
          new Map(),
        );
        function* batches(): Generator<string[][]> {
          yield [billingCsvColumns('en')];
          let batch: string[][] = [];
          for (const line of users) {
            batch.push(billingCsvRow(line));
            if (batch.length >= 2000) {
              yield batch;
              batch = [];
            }
          }
          yield batch;
        }
        await writeReportCsvBatches(path.join(dir, 'billing.csv'), batches());
      });
      const wrong = checkBillingTotals(counts);
      if (wrong !== null) throw new Error(wrong);
      return {
        value: LINES / measured,
        baseline: 'the same CSV streamed through csv-parse alone',
        baselineValue: (parsed - 1) / baselineSeconds,
        details: {
          lines: LINES,
          seconds: measured.toFixed(2),
          readReportAndLedgerSeconds: readSeconds.toFixed(2),
          classifyAndWriteSeconds: (measured - readSeconds).toFixed(2),
          csvParseAloneSeconds: baselineSeconds.toFixed(2),
          matched: counts.matched,
          packageDiffers: counts.packageDiffers,
          unknown: counts.unknown,
          notBilled: counts.notBilled,
        },
        peakRssMB: peakRssMB(),
      };
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
