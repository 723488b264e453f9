// Asks Webex for a billing report and follows it to COMPLETED or FAILED, for a bounded time. The
// report id is in the ledger before the first status poll, so a run stopped (or out of patience)
// while it is IN_PROGRESS leaves it for the next run, which follows the same report.
import type { BillingConfig } from '../config/index.ts';
import {
  readBillingReportEntry,
  writeBillingReportEntry,
  type BillingReportKey,
  type Tx,
} from '../store/index.ts';
import type { BillingPort, BillingReport } from '../webex/index.ts';

/** What following a report came to. */
export type FollowedReport =
  | { state: 'completed'; webexReportId: string; url: string; resumed: boolean }
  | { state: 'in_progress'; webexReportId: string; resumed: boolean }
  | { state: 'failed'; webexReportId: string; message: string }
  /** A dry run changes nothing in Webex: it reads a completed report the ledger knows, or none. */
  | { state: 'not_asked'; reason: string };

export interface FollowDeps {
  db: Tx;
  port: BillingPort;
  runId: string;
  /** ISO time for the ledger's rows. */
  now: () => string;
  signal: AbortSignal;
  /**
   * A dry run: no report is asked for or deleted in Webex and the ledger is not written; a
   * report the ledger knows is read when Webex has it COMPLETED.
   */
  dryRun?: boolean;
  /** Waits between polls (real time; tests shorten `pollSeconds`). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function failureText(report: BillingReport): string {
  const errors = (report.errors ?? []).map(
    (e) => `${e.description ?? 'no description'}${e.code === undefined ? '' : ` (code ${e.code})`}`,
  );
  return errors.length > 0 ? errors.join('; ') : 'Webex gave no reason';
}

/**
 * The report of `key`: the one the ledger holds when Webex still has it and it has not failed,
 * or a new one. Polls every `pollSeconds` for up to `waitSeconds`.
 */
export async function followBillingReport(
  deps: FollowDeps,
  key: BillingReportKey,
  policy: Pick<BillingConfig, 'waitSeconds' | 'pollSeconds'>,
): Promise<FollowedReport> {
  const sleep = deps.sleep ?? defaultSleep;
  const save = (
    webexReportId: string,
    status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
    error: string | null = null,
  ) =>
    writeBillingReportEntry(
      deps.db,
      key,
      { webexReportId, status, error, runId: deps.runId },
      deps.now(),
    );

  let report: BillingReport | null = null;
  let resumed = false;
  const held = await readBillingReportEntry(deps.db, key);
  if (held && (held.status === 'IN_PROGRESS' || held.status === 'COMPLETED')) {
    // Webex keeps reports for a while only: one it no longer has is asked for again.
    report = await deps.port.getBillingReport(held.webexReportId);
    resumed = report !== null;
  }
  if (deps.dryRun) {
    if (report?.status === 'COMPLETED' && report.tempDownloadURL)
      return {
        state: 'completed',
        webexReportId: report.id,
        url: report.tempDownloadURL,
        resumed: true,
      };
    return {
      state: 'not_asked',
      reason:
        report === null
          ? 'no report of the period that Webex still has is known, and a dry run asks for none'
          : `Webex is still making report ${report.id}, and a dry run does not wait for it`,
    };
  }
  if (report === null) {
    const { id } = await deps.port.createBillingReport({
      billingStartDate: key.start,
      billingEndDate: key.end,
      type: key.type,
    });
    await save(id, 'IN_PROGRESS');
    report = { id, status: 'IN_PROGRESS' };
  }
  const started = performance.now();
  for (;;) {
    if (report.status === 'COMPLETED' && report.tempDownloadURL) {
      await save(report.id, 'COMPLETED');
      return { state: 'completed', webexReportId: report.id, url: report.tempDownloadURL, resumed };
    }
    if (report.status === 'FAILED') {
      const message = failureText(report);
      await save(report.id, 'FAILED', message);
      return { state: 'failed', webexReportId: report.id, message };
    }
    const waited = performance.now() - started;
    if (deps.signal.aborted || waited >= policy.waitSeconds * 1000)
      return { state: 'in_progress', webexReportId: report.id, resumed };
    await sleep(
      Math.min(policy.pollSeconds * 1000, policy.waitSeconds * 1000 - waited),
      deps.signal,
    );
    const polled = await deps.port.getBillingReport(report.id);
    if (polled === null) {
      const message = `Webex no longer has billing report ${report.id} (deleted while it was being made?)`;
      await save(report.id, 'FAILED', message);
      return { state: 'failed', webexReportId: report.id, message };
    }
    report = polled;
  }
}

/** After a report was read: deleted in Webex when the configuration says so (not in a dry run), and marked in the ledger. */
export async function releaseBillingReport(
  deps: Pick<FollowDeps, 'db' | 'port' | 'runId' | 'now' | 'dryRun'>,
  key: BillingReportKey,
  webexReportId: string,
  deleteReports: boolean,
): Promise<void> {
  // A dry run leaves the report in Webex, where the real run that follows reads it.
  if (!deleteReports || deps.dryRun) return;
  await deps.port.deleteBillingReport(webexReportId);
  await writeBillingReportEntry(
    deps.db,
    key,
    { webexReportId, status: 'deleted', error: null, runId: deps.runId },
    deps.now(),
  );
}
