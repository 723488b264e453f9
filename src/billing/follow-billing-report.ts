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
import { OutcomeUnknownError, type BillingPort, type BillingReport } from '../webex/index.ts';

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
    status: 'REQUESTED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
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
    // A create whose answer never reached the ledger (lost on the way, or the run killed just
    // after it) may have made a report: it is looked up before another is asked for.
    report = held?.status === 'REQUESTED' ? await findMadeReport(deps.port, key) : null;
    resumed = report !== null;
    if (report) await save(report.id, 'IN_PROGRESS');
  }
  if (report === null) report = await askForReport(deps.port, key, save);
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

/** The request of `key`'s report, as Webex's create and list take it. */
function requestOf(key: BillingReportKey) {
  return { billingStartDate: key.start, billingEndDate: key.end, type: key.type };
}

/**
 * Asks Webex for a new report of `key`. The ledger says REQUESTED before the create is sent, so a
 * run killed meanwhile leaves the next one to look first. A create whose answer is lost is looked
 * up at once; a lookup that fails, or finds nothing yet, leaves REQUESTED for the next run to look
 * again, and nothing is sent again now.
 */
async function askForReport(
  port: BillingPort,
  key: BillingReportKey,
  save: (id: string, status: 'REQUESTED' | 'IN_PROGRESS') => Promise<void>,
): Promise<BillingReport> {
  await save('', 'REQUESTED');
  try {
    const { id } = await port.createBillingReport(requestOf(key));
    await save(id, 'IN_PROGRESS');
    return { id, status: 'IN_PROGRESS' };
  } catch (err) {
    if (!(err instanceof OutcomeUnknownError)) throw err;
    const made = await findMadeReport(port, key);
    if (!made) throw err;
    await save(made.id, 'IN_PROGRESS');
    return made;
  }
}

/**
 * A report of `key`'s type and period that Webex holds and that has not failed: the one a create
 * whose answer was lost made. A finished one first, else the latest listed.
 */
async function findMadeReport(
  port: BillingPort,
  key: BillingReportKey,
): Promise<BillingReport | null> {
  const listed = (await port.listBillingReports(requestOf(key))).filter(
    (r) =>
      r.type === key.type &&
      r.billingStartDate === key.start &&
      r.billingEndDate === key.end &&
      r.status !== 'FAILED',
  );
  return listed.find((r) => r.status === 'COMPLETED') ?? listed[listed.length - 1] ?? null;
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
