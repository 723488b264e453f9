import {
  emptyChangeCounts,
  emptyRplCounts,
  type FileSummary,
  type IssueRecord,
  type ReportInput,
  type RplOpenLine,
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

/** One open RPL review; override what the test is about. */
export function anOpenRplCheck(overrides: Partial<RplOpenLine> = {}): RplOpenLine {
  return {
    partner: 'acme-br',
    externalId: 'C-100',
    customerName: 'Padaria Central',
    trigger: 'created',
    openedAt: '2026-11-01T00:00:00.000Z',
    ageMinutes: 47_385,
    lastStatus: 'pending_rpl_review',
    attempts: 2,
    unreachableAttempts: 0,
    overdue: true,
    reasons: [],
    ...overrides,
  };
}

/**
 * A nightly run over three partners: files, refusals, changes by outcome, RPL reviews (one a
 * candidate), drift and an orphan, results files written. `name` tags partner text (hostile tests).
 */
export function aThreePartnerInput(locale: ReportInput['locale'] = 'en', tag = ''): ReportInput {
  const files = [
    aFile({ partner: 'acme-br', name: `assinantes${tag}.csv` }),
    aFile({
      partner: 'tokyo-tel',
      name: `顧客一覧${tag}.xlsx`,
      format: 'xlsx',
      encoding: null,
      rows: { total: 500, accepted: 480, rejected: 20 },
    }),
    aFile({
      partner: 'lisboa-net',
      name: `clientes${tag}.csv`,
      rows: { total: 40, accepted: 40, rejected: 0 },
    }),
  ];
  const issues = [
    ...Array.from({ length: 30 }, (_, i) =>
      anIssue({ row: i + 2, value: `user${i}@@example${tag}` }),
    ),
    ...Array.from({ length: 4 }, (_, i) =>
      anIssue({ row: i + 40, code: 'REQUIRED', column: 'Nome', value: null }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      anIssue({
        partner: 'tokyo-tel',
        file: files[1]?.name ?? null,
        sheet: '顧客',
        row: i + 2,
        column: 'パッケージ',
        value: `webex_calling${tag}`,
        code: 'PACKAGE_QUOTA',
        message: `row ${i + 2}: quota exceeded`,
      }),
    ),
  ];
  const change = (
    partner: string,
    entity: 'customer' | 'subscriber',
    outcome: string,
    count: number,
  ) => ({ partner, entity, outcome, count });
  return {
    summary: aSummary({
      status: 'attention',
      files,
      rows: { total: 1774, accepted: 1720, rejected: 54 },
      reconcile: {
        inSync: 90,
        drifted: 2,
        missingInWebex: 0,
        orphansInWebex: 1,
        parked: 0,
        partnerOwnOrg: 1,
      },
      issueCounts: { INVALID_EMAIL: 30, REQUIRED: 4, PACKAGE_QUOTA: 20 },
      attention: [
        {
          kind: 'drift',
          partner: 'tokyo-tel',
          count: 2,
          message: `2 customers drifted in Webex${tag}`,
        },
        { kind: 'rpl_overdue', partner: 'acme-br', count: 1, message: '1 RPL review overdue' },
      ],
    }),
    issues,
    locale,
    timeZone: 'Asia/Tokyo',
    partnerChanges: [
      change('acme-br', 'customer', 'created', 12),
      change('acme-br', 'subscriber', 'created', 1100),
      change('acme-br', 'subscriber', 'failed', 2),
      change('tokyo-tel', 'customer', 'updated', 3),
      change('tokyo-tel', 'subscriber', 'pending', 43),
      change('lisboa-net', 'subscriber', 'unchanged', 40),
    ],
    quotaUse: [
      { partner: 'acme-br', customer: 'C-100', package: 'webex_calling', limit: 100, assigned: 40 },
      {
        partner: 'tokyo-tel',
        customer: `T-7${tag}`,
        package: 'webex_calling',
        limit: 10,
        assigned: 12,
      },
      { partner: 'tokyo-tel', customer: 'T-8', package: 'webex_meetings', limit: 20, assigned: 17 },
    ],
    resultsFiles: [
      {
        partner: 'acme-br',
        source: files[0]?.name ?? '',
        name: `assinantes${tag}.csv.results.csv`,
      },
      {
        partner: 'tokyo-tel',
        source: files[1]?.name ?? '',
        name: `顧客一覧${tag}.xlsx.results.xlsx`,
      },
    ],
    reconciliation: [
      {
        partner: 'tokyo-tel',
        entity: 'customer',
        key: `T-1${tag}`,
        webexId: 'w-1',
        category: 'drifted',
        reason: 'differs',
        status: 'provisioned',
        diffs: [{ field: 'name', webex: `Old${tag}`, expected: `New${tag}` }],
        pendingChange: false,
      },
      {
        partner: 'lisboa-net',
        entity: 'subscriber',
        key: `L-9/x${tag}@example.pt`,
        webexId: 'w-9',
        category: 'orphansInWebex',
        reason: 'notInSheets',
        status: null,
        diffs: [],
        pendingChange: false,
      },
    ],
    rpl: {
      open: [
        anOpenRplCheck({ customerName: `Padaria${tag}` }),
        anOpenRplCheck({
          partner: 'tokyo-tel',
          externalId: 'T-7',
          customerName: `東京商事${tag}`,
          ageMinutes: 45 * 1440,
          reasons: ['nonCompliantDays'],
        }),
        anOpenRplCheck({
          partner: 'lisboa-net',
          externalId: 'L-2',
          customerName: null,
          ageMinutes: 30,
          overdue: false,
        }),
      ],
      closedSinceLastRun: [],
      deprovisions: [],
      limits: { overdueMinutes: 60, candidateDays: 30 },
    },
  };
}

/** The words of a page a person reads: text and <title>s, without the style and the script. */
export function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<script>[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
