// Compares a prepared USER billing report (<dir>/user-report.csv) with a prepared ledger
// (<dir>/ledger.sqlite) as runBilling does, writes <dir>/billing.csv, and prints its figures and
// this process's peak RSS as one JSON line: the measured comparison alone, without the data
// generation or the baseline. It runs compiled (dist/bench/billing-child.js, built with the CLI),
// as the installed command does: the report's reader thread loads no TypeScript loader either.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import {
  billingCsvRow,
  checkBillingTotals,
  compareUsers,
  emptyBillingUserCounts,
  indexUsers,
  readUserReportInWorker,
} from '../src/billing/index.ts';
import { billingCsvColumns, writeReportCsvBatches } from '../src/reports/index.ts';
import { openDb } from '../src/store/index.ts';
import { mainThreadCpuSeconds, peakRssMB, seconds } from './harness.ts';

const [dir, partner, start, end] = process.argv.slice(2) as [string, string, string, string];
const rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
const db = openDb({ client: 'sqlite3', connection: path.join(dir, 'ledger.sqlite') });
const counts = emptyBillingUserCounts();
const view = { partners: [partner], reported: new Set([partner]) };
const uc = { partner, period: { start, end }, ownOrgIds: new Set<string>() };
const cpuBefore = process.cpuUsage();
const mainCpuBefore = mainThreadCpuSeconds();
let readSeconds = 0;
try {
  const measured = await seconds(async () => {
    const readStarted = process.hrtime.bigint();
    const index = await indexUsers(
      { db },
      view.partners,
      readUserReportInWorker(createReadStream(path.join(dir, 'user-report.csv'))),
    );
    readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    const users = compareUsers(index, view, uc, counts, new Map());
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
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpu = mainThreadCpuSeconds();
  // The counts must add up: a child that throws here fails the bench (runCompiledChild).
  const wrong = checkBillingTotals(counts);
  if (wrong !== null) throw new Error(wrong);
  process.stdout.write(
    JSON.stringify({
      seconds: measured,
      readSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      mainThreadCpuSeconds:
        mainCpu === null || mainCpuBefore === null ? null : mainCpu - mainCpuBefore,
      rssBeforeMB,
      peakRssMB: peakRssMB(),
      counts,
    }) + '\n',
  );
} finally {
  await db.destroy();
}
