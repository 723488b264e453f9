import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import {
  addRows,
  emptyRowCounts,
  failedSummary,
  writeRunReports,
  type AttentionItem,
  type RunJob,
  summaryJob,
  type Summary,
} from '../reports/index.ts';
import {
  listUnfinishedRuns,
  markRunAbandoned,
  readRunFiles,
  readRunIssues,
  type Db,
} from '../store/index.ts';

/**
 * Runs whose process died before it finished (kill -9, a crash, a reboot) stay "running" for ever
 * and the files they committed appear in no report. Called by a run that holds the lock, so
 * every other unfinished run is dead: each is marked abandoned, the temporary files it left in its
 * report folder are removed, and its report is written from what the ledger has of it.
 * Returns an attention item per abandoned run.
 */
export async function recoverAbandonedRuns(
  config: Config,
  db: Db,
  by: { runId: string; now: Date },
): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  const reports = path.join(config.home, 'reports');
  for (const run of await listUnfinishedRuns(db, by.runId)) {
    const reportDir = path.join(reports, run.id);
    await removeLeftovers(reportDir);
    const files = await readRunFiles(db, run.id);
    const error = `the run's process ended before it finished (killed or crashed); marked abandoned by run ${by.runId}, which carried on with its work`;
    const summary: Summary = {
      ...failedSummary(
        {
          runId: run.id,
          job: summaryJob(run.job as RunJob),
          startedAt: run.startedAt,
          finishedAt: by.now.toISOString(),
          dryRun: run.dryRun,
          reportDir,
        },
        3,
        error,
      ),
      files,
      rows: files.reduce((sum, f) => addRows(sum, f.rows), emptyRowCounts()),
    };
    const issues = await readRunIssues(db, run.id);
    for (const i of issues) summary.issueCounts[i.code] = (summary.issueCounts[i.code] ?? 0) + 1;
    await writeRunReports(
      reportDir,
      { summary, issues, locale: config.reportLocale },
      config.secrets,
    );
    await markRunAbandoned(db, run.id, {
      finishedAt: summary.finishedAt,
      reportDir,
      error,
      counts: { files: files.length, rows: summary.rows },
    });
    const committed = files.filter((f) => f.status === 'processed').length;
    items.push({
      kind: 'run_abandoned',
      partner: null,
      count: 1,
      message: `run ${run.id} (${run.job}, started ${run.startedAt}) ended without finishing: its process was killed or crashed. It had committed ${committed} file(s); they are in its report, reports/${run.id}/. Nothing of it was lost, and this run carried on; find out why the process died (out of memory, a reboot, kill -9).`,
    });
  }
  await removeLeftovers(reports);
  return items;
}

/** Temporary files a writer killed half-way left (`.<name>.<pid>.<hex>.tmp`, see writeAtomically). */
async function removeLeftovers(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    await rm(path.join(dir, name), { force: true });
  }
}
