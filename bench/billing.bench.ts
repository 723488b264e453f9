import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import type { emptyBillingUserCounts } from '../src/billing/index.ts';
import { migrateDb, openDb, type Db } from '../src/store/index.ts';
import { runCompiledChild, seconds, type Benchmark } from './harness.ts';

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

/** What bench/billing-child.ts prints. */
interface ComparisonFigures {
  seconds: number;
  readSeconds: number;
  cpuSeconds: number;
  mainThreadCpuSeconds: number | null;
  rssBeforeMB: number;
  peakRssMB: number;
  counts: ReturnType<typeof emptyBillingUserCounts>;
}

/** The same CSV streamed through csv-parse alone, in seconds. */
async function csvParseAlone(report: string): Promise<{ seconds: number; records: number }> {
  let records = 0;
  const took = await seconds(async () => {
    for await (const _ of createReadStream(report).pipe(parse({ bom: true }))) records += 1;
  });
  return { seconds: took, records };
}

/**
 * `billing` at a million lines, as runBilling does it: a USER report streamed from a file and parsed
 * in a worker thread while a million ledger subscribers are read from SQLite, both into one index by
 * email, then each user classified and written to billing.csv; against streaming the same CSV
 * through csv-parse alone (timed before and after the comparison, the mean taken). The comparison
 * runs compiled in a process of its own (bench/billing-child.ts), as the installed command runs:
 * its peak RSS is the comparison's, not the million ledger rows' seeding.
 */
export const billingBench: Benchmark = {
  name: 'billing',
  description: `a USER billing report of ${LINES.toLocaleString('en-US')} lines compared by streaming with as many ledger subscribers vs csv-parse alone over the same file`,
  unit: 'rows/s',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-billing-'));
    try {
      const db = openDb({ client: 'sqlite3', connection: path.join(dir, 'ledger.sqlite') });
      try {
        await migrateDb(db);
        await seedLedger(db);
        await db.raw('ANALYZE');
      } finally {
        await db.destroy();
      }
      const report = path.join(dir, 'user-report.csv');
      await writeUserReport(report);

      const before = await csvParseAlone(report);
      const f = (await runCompiledChild('billing-child.js', [
        dir,
        PARTNER,
        '2026-02-01',
        '2026-02-28',
      ])) as ComparisonFigures;
      const after = await csvParseAlone(report);
      const baselineSeconds = (before.seconds + after.seconds) / 2;
      return {
        value: LINES / f.seconds,
        baseline: 'the same CSV streamed through csv-parse alone',
        baselineValue: (before.records - 1) / baselineSeconds,
        details: {
          lines: LINES,
          seconds: f.seconds.toFixed(2),
          readReportAndLedgerSeconds: f.readSeconds.toFixed(2),
          classifyAndWriteSeconds: (f.seconds - f.readSeconds).toFixed(2),
          comparisonCpuSeconds: f.cpuSeconds.toFixed(2),
          mainThreadCpuSeconds: f.mainThreadCpuSeconds?.toFixed(2) ?? 'n/a',
          csvParseAloneSeconds: `${before.seconds.toFixed(2)}+${after.seconds.toFixed(2)}`,
          rssBeforeMB: f.rssBeforeMB.toFixed(0),
          matched: f.counts.matched,
          packageDiffers: f.counts.packageDiffers,
          unknown: f.counts.unknown,
          notBilled: f.counts.notBilled,
        },
        peakRssMB: f.peakRssMB,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
