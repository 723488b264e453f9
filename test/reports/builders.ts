import {
  emptyChangeCounts,
  emptyRplCounts,
  type FileSummary,
  type IssueRecord,
  type Summary,
} from '../../src/reports/index.ts';

/** A complete, valid summary of a partial nightly run; override what the test is about. */
export function aSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    runId: '20250301T020000Z-a1b2c3',
    job: 'nightly',
    startedAt: '2025-03-01T02:00:00.000Z',
    finishedAt: '2025-03-01T02:03:25.000Z',
    status: 'partial',
    exitCode: 1,
    dryRun: false,
    reportDir: 'reports/20250301T020000Z-a1b2c3',
    files: [
      aFile(),
      aFile({
        partner: 'tokyo-tel',
        name: 'customers.xlsx',
        sha256: null,
        format: 'xlsx',
        encoding: null,
        status: 'quarantined',
        code: 'FILE_FORMAT',
        message: 'an encrypted workbook: save it without a password and drop it again',
        rows: { total: 0, accepted: 0, rejected: 0 },
      }),
    ],
    rows: { total: 1234, accepted: 1200, rejected: 34 },
    customers: { ...emptyChangeCounts(), created: 12, updated: 3, unchanged: 40 },
    subscribers: { ...emptyChangeCounts(), created: 1100, failed: 2, pending: 43 },
    rpl: { ...emptyRplCounts(), pending: 2, cleared: 10, overdue: 1 },
    reconcile: null,
    issueCounts: { INVALID_EMAIL: 30, REQUIRED: 4 },
    attention: [],
    notes: ['partner acme-br has no webex credentials configured: its inbox was not read'],
    ...overrides,
  };
}

export function aFile(overrides: Partial<FileSummary> = {}): FileSummary {
  return {
    partner: 'acme-br',
    name: 'assinantes-março.csv',
    sha256: 'a'.repeat(64),
    format: 'csv',
    encoding: 'windows-1252',
    status: 'processed',
    code: null,
    message: null,
    rows: { total: 1234, accepted: 1200, rejected: 34 },
    ...overrides,
  };
}

export function anIssue(overrides: Partial<IssueRecord> = {}): IssueRecord {
  return {
    partner: 'acme-br',
    file: 'assinantes-março.csv',
    sheet: null,
    row: 14,
    column: 'E-mail',
    value: 'joao@@example',
    code: 'INVALID_EMAIL',
    message: "row 14, column E-mail: 'joao@@example' is not an email address",
    ...overrides,
  };
}

/** `count` issues numbered by row, for caps and large files. */
export function manyIssues(count: number): IssueRecord[] {
  return Array.from({ length: count }, (_, i) =>
    anIssue({ row: i + 2, value: `user${i}@@example` }),
  );
}
