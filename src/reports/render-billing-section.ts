// Billing reconciliation in the reports (issue 22): the period, the counts per Webex view and the
// lines that need a person. Pure: the billing run shapes its outcome into BillingSection.
import { escapeHtml, escapeValue } from './html-page.ts';

/** One discrepancy as the reports list it (billing.csv has every line). */
export interface BillingSectionLine {
  partner: string;
  level: 'user' | 'customer';
  customer: string | null;
  orgId: string | null;
  user: string | null;
  /** The sheet's package (user) or the package counted (customer). */
  package: string | null;
  billed: string;
  webexCount: number | null;
  ledgerCount: number | null;
  limit: number | null;
  category: string;
}

/** What report.html and report.xlsx show of a billing run. */
export interface BillingSection {
  period: { start: string; end: string; pointInTime: boolean };
  partners: { partner: string; counts: Record<string, number> }[];
  lines: BillingSectionLine[];
}

/** The sheet of report.xlsx (fixed name in every locale). */
export const BILLING_SHEET = 'Billing';
/** Lines listed in report.html; report.xlsx lists every kept line. */
export const BILLING_HTML_LIMIT = 500;

const COLUMNS = [
  'Partner',
  'Level',
  'Customer',
  'Customer org id',
  'User',
  'Package',
  'Billed packages',
  'Webex count',
  'Ledger count',
  'Limit',
  'Category',
];

function cells(l: BillingSectionLine): (string | number | null)[] {
  return [
    l.partner,
    l.level,
    l.customer,
    l.orgId,
    l.user,
    l.package,
    l.billed,
    l.webexCount,
    l.ledgerCount,
    l.limit,
    l.category,
  ];
}

/** The section of report.html. */
export function renderBillingSection(b: BillingSection): string {
  const period = `${b.period.start} – ${b.period.end}${b.period.pointInTime ? ' (point in time)' : ''}`;
  const counts = b.partners
    .map(
      (p) =>
        `<li>${escapeHtml(p.partner)}: ${Object.entries(p.counts)
          .map(([k, v]) => `${escapeHtml(k)} ${v}`)
          .join(', ')}</li>`,
    )
    .join('');
  const rows = b.lines
    .slice(0, BILLING_HTML_LIMIT)
    .map(
      (l) =>
        `<tr>${cells(l)
          .map((c) => `<td>${escapeValue(c === null ? null : String(c))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const more =
    b.lines.length > BILLING_HTML_LIMIT
      ? `<p>${b.lines.length - BILLING_HTML_LIMIT} more lines are in report.xlsx and billing.csv.</p>`
      : '';
  return [
    `<section id="billing"><h2>Billing reconciliation ${escapeHtml(period)}</h2>`,
    `<p>What Webex bills held against the sheets and the ledger; every line is in billing.csv.</p>`,
    `<ul>${counts}</ul>`,
    b.lines.length === 0
      ? '<p>No discrepancy.</p>'
      : `<table><thead><tr>${COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>${more}`,
    '</section>',
  ].join('');
}

/** The Billing sheet's header and rows. */
export function billingSheet(b: BillingSection): {
  columns: string[];
  rows: (string | number | null)[][];
} {
  return { columns: COLUMNS, rows: b.lines.map(cells) };
}
