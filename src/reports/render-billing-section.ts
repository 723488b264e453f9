// Billing reconciliation in the reports (issue 22): the period, the counts per Webex view and the
// lines that need a person. Pure: the billing run shapes its outcome into BillingSection.
import type { Locale } from '../config/index.ts';
import { billingLabelsFor, type BillingLabels } from './billing-labels.ts';
import { escapeHtml, escapeValue } from './html-page.ts';
import { formatCount } from './labels.ts';

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

function columns(l: BillingLabels): string[] {
  return [
    l.partner,
    l.level,
    l.customer,
    l.customerOrgId,
    l.user,
    l.package,
    l.billedPackages,
    l.webexCount,
    l.ledgerCount,
    l.limit,
    l.category,
  ];
}

function cells(line: BillingSectionLine, l: BillingLabels): (string | number | null)[] {
  const category =
    (line.level === 'user' ? l.userCategory : l.customerCategory)[line.category] ?? line.category;
  return [
    line.partner,
    l.levelName[line.level],
    line.customer,
    line.orgId,
    line.user,
    line.package,
    line.billed,
    line.webexCount,
    line.ledgerCount,
    line.limit,
    category,
  ];
}

/** How a Webex view's customer counts are keyed beside its user counts: `customer <category>`. */
export const CUSTOMER_COUNT_PREFIX = 'customer ';

/** A count of a Webex view by its key (a user category, or a customer one), in words. */
function countName(key: string, l: BillingLabels): string {
  if (key.startsWith(CUSTOMER_COUNT_PREFIX)) {
    const category = key.slice(CUSTOMER_COUNT_PREFIX.length);
    return `${l.levelName.customer}: ${l.customerCategory[category] ?? category}`;
  }
  return l.userCategory[key] ?? key;
}

/** The section of report.html, in the report's language. */
export function renderBillingSection(b: BillingSection, locale: Locale): string {
  const l = billingLabelsFor(locale);
  const period = `${b.period.start} – ${b.period.end}${b.period.pointInTime ? ` ${l.pointInTime}` : ''}`;
  const counts = b.partners
    .map(
      (p) =>
        `<li>${escapeHtml(p.partner)}: ${Object.entries(p.counts)
          .map(([k, v]) => `${escapeHtml(countName(k, l))} ${formatCount(locale, v)}`)
          .join(', ')}</li>`,
    )
    .join('');
  const rows = b.lines
    .slice(0, BILLING_HTML_LIMIT)
    .map(
      (line) =>
        `<tr>${cells(line, l)
          .map((c) => `<td>${escapeValue(c === null ? null : String(c))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const more =
    b.lines.length > BILLING_HTML_LIMIT
      ? `<p>${escapeHtml(l.more(formatCount(locale, b.lines.length - BILLING_HTML_LIMIT)))}</p>`
      : '';
  return [
    `<section id="billing"><h2>${escapeHtml(l.title)} ${escapeHtml(period)}</h2>`,
    `<p>${escapeHtml(l.intro)}</p>`,
    `<ul>${counts}</ul>`,
    b.lines.length === 0
      ? `<p>${escapeHtml(l.noDiscrepancy)}</p>`
      : `<table><thead><tr>${columns(l)
          .map((c) => `<th>${escapeHtml(c)}</th>`)
          .join('')}</tr></thead><tbody>${rows}</tbody></table>${more}`,
    '</section>',
  ].join('');
}

/** The Billing sheet's header and rows, in the report's language. */
export function billingSheet(
  b: BillingSection,
  locale: Locale,
): {
  columns: string[];
  rows: (string | number | null)[][];
} {
  const l = billingLabelsFor(locale);
  return { columns: columns(l), rows: b.lines.map((line) => cells(line, l)) };
}
