import type { ReconcileCategory } from './report-input.ts';
import type { FileStatus } from './summary.ts';

/** A status colour: report.html's badge classes, report.xlsx's cell fills. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'gray';

/** The colour of a reconciliation category, the same in report.html and report.xlsx. */
export const CATEGORY_TONE: Readonly<Record<ReconcileCategory, Tone>> = {
  inSync: 'ok',
  drifted: 'bad',
  missingInWebex: 'bad',
  orphansInWebex: 'warn',
  parked: 'info',
  partnerOwnOrg: 'gray',
};

/** The colour of a file's status, the same in report.html and report.xlsx. */
export const FILE_STATUS_TONE: Readonly<Record<FileStatus, Tone>> = {
  processed: 'ok',
  duplicate: 'gray',
  quarantined: 'bad',
  skipped: 'warn',
};
