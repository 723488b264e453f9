// The CSV a billing report downloads as, generated from the simulator's usage history (the columns
// are the simulator's own, documented in docs/architecture.md; a real Webex's may differ, which is
// why the reader maps them through an alias table). Pure: state, report and clock in, lines out.
import type { BillingReportRecord, SimulatorState } from './state.ts';

/** Header rows of the three report types, in column order. */
export const BILLING_CSV_COLUMNS = {
  USER: [
    'Customer Org ID',
    'Customer External ID',
    'Customer Name',
    'Subscriber ID',
    'User Email',
    'Package',
    'Start Date',
    'End Date',
    'Days',
  ],
  CUSTOMER: [
    'Customer Org ID',
    'Customer External ID',
    'Customer Name',
    'Package',
    'Date',
    'Quantity',
  ],
  PARTNER: ['Package', 'Date', 'Quantity'],
} as const;

const DAY_MS = 86_400_000;

/** A span of packages with the customer it was billed to; `toMs` null while it lasts. */
interface Span {
  subscriberId: string;
  email: string;
  packages: readonly string[];
  customerOrgId: string;
  customerExternalId: string;
  customerName: string;
  fromMs: number;
  toMs: number | null;
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function dayNumber(date: string): number {
  return dayOf(Date.parse(`${date}T00:00:00Z`));
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Every span, closed or still running, live ones with their customer as it is now. */
function* spans(state: SimulatorState): Generator<Span> {
  yield* state.closedUsage;
  for (const s of state.subscribers.values()) {
    const c = state.customers.get(s.customerId);
    yield {
      subscriberId: s.id,
      email: s.email,
      packages: s.packages,
      customerOrgId: c?.orgId ?? '',
      customerExternalId: c?.externalId ?? '',
      customerName: c?.customerInfo?.name ?? c?.externalId ?? '',
      fromMs: s.packagesSinceMs ?? s.createdMs,
      toMs: null,
    };
  }
}

/**
 * The days of the report's period a span was billed: a day counts when the span existed at any
 * time of it (UTC), and no day after `nowMs` counts. Null when none does.
 */
function billedDays(
  span: Span,
  report: BillingReportRecord,
  nowMs: number,
): { first: number; last: number } | null {
  const first = Math.max(dayNumber(report.billingStartDate), dayOf(span.fromMs));
  const end = span.toMs === null ? nowMs : span.toMs - 1;
  const last = Math.min(dayNumber(report.billingEndDate), dayOf(Math.min(end, nowMs)));
  return last >= first ? { first, last } : null;
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break. */
function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function line(values: readonly (string | number)[]): string {
  return `${values.map(cell).join(',')}\r\n`;
}

/** The report's CSV, a line at a time, header first. */
export function* renderBillingReportCsv(
  state: SimulatorState,
  report: BillingReportRecord,
  nowMs: number,
): Generator<string> {
  yield line(BILLING_CSV_COLUMNS[report.type]);
  if (report.type === 'USER') {
    for (const span of spans(state)) {
      const days = billedDays(span, report, nowMs);
      if (days === null) continue;
      for (const pkg of span.packages) {
        yield line([
          span.customerOrgId,
          span.customerExternalId,
          span.customerName,
          span.subscriberId,
          span.email,
          pkg,
          dateOf(days.first),
          dateOf(days.last),
          days.last - days.first + 1,
        ]);
      }
    }
    return;
  }
  // CUSTOMER and PARTNER: counts per day, from the same spans.
  const counts = new Map<string, { key: (string | number)[]; quantity: number }>();
  for (const span of spans(state)) {
    const days = billedDays(span, report, nowMs);
    if (days === null) continue;
    for (const pkg of span.packages) {
      for (let day = days.first; day <= days.last; day++) {
        const key =
          report.type === 'CUSTOMER'
            ? [span.customerOrgId, span.customerExternalId, span.customerName, pkg, dateOf(day)]
            : [pkg, dateOf(day)];
        const id = key.join('\u0000');
        const entry = counts.get(id);
        if (entry) entry.quantity += 1;
        else counts.set(id, { key, quantity: 1 });
      }
    }
  }
  for (const { key, quantity } of counts.values()) yield line([...key, quantity]);
}
