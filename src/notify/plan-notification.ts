import os from 'node:os';
import path from 'node:path';
import type { NotifyConfig } from '../config/index.ts';
import { REPORT_FILES, type ChangeCounts, type Summary } from '../reports/index.ts';

/** What a webhook receives: the summary's counts, what needs a person, where the report is. */
export interface NotificationBody {
  /** One paragraph for people: Slack and Teams incoming webhooks show this field. */
  text: string;
  runId: string;
  job: string;
  status: string;
  exitCode: number;
  host: string;
  startedAt: string;
  finishedAt: string;
  counts: Pick<Summary, 'rows' | 'customers' | 'subscribers' | 'rpl' | 'reconcile' | 'issueCounts'>;
  attention: Summary['attention'];
  notes: string[];
  error: string | null;
  reportPath: string;
}

export interface Notification {
  subject: string;
  text: string;
  body: NotificationBody;
}

/** Whether a run ending so is told: never a dry run; otherwise by `notify.on`. */
export function shouldNotify(summary: Summary, on: NotifyConfig['on']): boolean {
  return !summary.dryRun && on.includes(summary.status);
}

/** The message for a run that ended: subject, plain text and the webhook's JSON body. */
export function planNotification(summary: Summary, host = os.hostname()): Notification {
  const reportPath = path.join(summary.reportDir, REPORT_FILES.html);
  const head = `rtm-batch ${summary.job} on ${host} ended ${summary.status} (exit ${summary.exitCode})`;
  const lines = [
    `${head}: run ${summary.runId}, ${summary.startedAt} to ${summary.finishedAt}.`,
    ...(summary.error ? [`Failure: ${summary.error}`] : []),
    ...summary.attention.map(
      (a) => `Needs you: ${a.partner ? `${a.partner}: ` : ''}${a.message} (${a.count})`,
    ),
    `Rows: ${summary.rows.total} read, ${summary.rows.accepted} accepted, ${summary.rows.rejected} rejected.`,
    `Customers: ${describeChanges(summary.customers)}. Subscribers: ${describeChanges(summary.subscribers)}.`,
    ...summary.notes.map((n) => `Note: ${n}`),
    `Report: ${reportPath}`,
  ];
  const text = lines.join('\n');
  return {
    subject: `${head}${summary.attention.length > 0 ? `, ${summary.attention.length} item(s) need you` : ''}`,
    text,
    body: {
      text,
      runId: summary.runId,
      job: summary.job,
      status: summary.status,
      exitCode: summary.exitCode,
      host,
      startedAt: summary.startedAt,
      finishedAt: summary.finishedAt,
      counts: {
        rows: summary.rows,
        customers: summary.customers,
        subscribers: summary.subscribers,
        rpl: summary.rpl,
        reconcile: summary.reconcile,
        issueCounts: summary.issueCounts,
      },
      attention: summary.attention,
      notes: summary.notes,
      error: summary.error ?? null,
      reportPath,
    },
  };
}

function describeChanges(c: ChangeCounts): string {
  const parts = (Object.entries(c) as [keyof ChangeCounts, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
