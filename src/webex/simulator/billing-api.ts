// The four Wholesale billing report operations. A report is IN_PROGRESS for its first
// `billingReportPolls` GETs, then COMPLETED (or FAILED when `billingReportsFail` is set), and
// downloads as CSV at its tempDownloadURL (served by the shell, outside /v1, without a token).
import { randomBytes } from 'node:crypto';
import { fail, ok, type Handler, type HandlerAnswer, type SimContext } from './answers.ts';
import { webexId } from './ids.ts';
import { validateRequestBody } from './spec.ts';
import type { BillingReportRecord } from './state.ts';

/** Where a report's CSV is served, below the simulator's origin. */
export const BILLING_DOWNLOAD_PATH = '/billing-downloads/';

/** Error code Webex gives for an unknown report (the spec's ReportError example). */
const REPORT_NOT_FOUND = 2024;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type BillingReportStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** A report's status after `polls` GETs. */
export function billingReportStatus(
  r: BillingReportRecord,
  pollsInProgress: number,
): BillingReportStatus {
  if (r.polls <= pollsInProgress) return 'IN_PROGRESS';
  return r.fails ? 'FAILED' : 'COMPLETED';
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function validDate(value: string): boolean {
  return DATE.test(value) && dayOf(Date.parse(`${value}T00:00:00Z`)) === value;
}

/** The URL a completed report downloads from. */
export function downloadUrl(ctx: SimContext, r: BillingReportRecord): string {
  const origin = new URL(ctx.baseUrl).origin;
  return `${origin}${BILLING_DOWNLOAD_PATH}${encodeURIComponent(r.id)}.csv?Signature=${r.downloadToken}`;
}

function render(ctx: SimContext, r: BillingReportRecord, full: boolean) {
  const status = billingReportStatus(r, ctx.billing.pollsInProgress);
  return {
    id: r.id,
    billingStartDate: r.billingStartDate,
    billingEndDate: r.billingEndDate,
    type: r.type,
    category: r.category,
    created: new Date(r.createdMs).toISOString(),
    status,
    ...(status === 'COMPLETED' ? { tempDownloadURL: downloadUrl(ctx, r) } : {}),
    ...(full && status === 'FAILED'
      ? { errors: [{ code: 2030, description: 'Billing report generation failed.' }] }
      : {}),
  };
}

function notFound(id: string): HandlerAnswer {
  return fail(404, [
    { description: `Billing report ${id} not found.`, errorCode: REPORT_NOT_FOUND },
  ]);
}

/** POST /wholesale/billing/reports. */
export const createBillingReport: Handler = (ctx, req) => {
  const schemaIssues = validateRequestBody('post /wholesale/billing/reports', req.body);
  if (schemaIssues.length > 0) return fail(400, schemaIssues);
  const body = req.body as {
    billingStartDate: string;
    billingEndDate: string;
    type?: string;
    subPartnerOrgId?: string;
  };
  const type = body.type ?? 'PARTNER';
  if (type !== 'PARTNER' && type !== 'CUSTOMER' && type !== 'USER')
    return fail(400, [`type is '${type}', which is not one of: PARTNER, CUSTOMER, USER`]);
  const issues: string[] = [];
  for (const name of ['billingStartDate', 'billingEndDate'] as const) {
    if (!validDate(body[name])) issues.push(`${name} '${body[name]}' is not a date YYYY-MM-DD`);
  }
  if (issues.length === 0 && body.billingStartDate > body.billingEndDate)
    issues.push(
      `billingStartDate ${body.billingStartDate} is after billingEndDate ${body.billingEndDate}`,
    );
  const today = dayOf(ctx.nowMs);
  if (issues.length === 0 && body.billingEndDate > today)
    issues.push(`billingEndDate ${body.billingEndDate} is in the future (today is ${today})`);
  if (issues.length > 0) return fail(400, issues);
  // The API has no field for the category: a report of today alone is the allocations now.
  const pointInTime = body.billingStartDate === today && body.billingEndDate === today;
  const record: BillingReportRecord = {
    id: webexId('BILLING_REPORT'),
    billingStartDate: body.billingStartDate,
    billingEndDate: body.billingEndDate,
    type,
    category: pointInTime ? 'POINT_IN_TIME' : 'RECONCILIATION',
    ...(body.subPartnerOrgId ? { subPartnerOrgId: body.subPartnerOrgId } : {}),
    createdMs: ctx.nowMs,
    polls: 0,
    fails: ctx.billing.fail,
    downloadToken: randomBytes(16).toString('hex'),
  };
  ctx.state.billingReports.set(record.id, record);
  const answer = {
    id: record.id,
    billingStartDate: record.billingStartDate,
    billingEndDate: record.billingEndDate,
    type: record.type,
    category: record.category,
  };
  return ok(200, answer, undefined, { changed: true });
};

/** GET /wholesale/billing/reports: every report, filtered as the query asks (no poll counted). */
export const listBillingReports: Handler = (ctx, _req, query) => {
  const items = [...ctx.state.billingReports.values()]
    // A sub-partner's reports when it is named (the spec's subPartnerOrgId), else the partner's own.
    .filter((r) => (r.subPartnerOrgId ?? undefined) === (query.subPartnerOrgId || undefined))
    .map((r) => render(ctx, r, false))
    .filter(
      (r) =>
        (query.billingStartDate === undefined || r.billingStartDate === query.billingStartDate) &&
        (query.billingEndDate === undefined || r.billingEndDate === query.billingEndDate) &&
        (query.type === undefined || r.type === query.type) &&
        (query.status === undefined || r.status === query.status),
    );
  return ok(200, { items });
};

/** GET /wholesale/billing/reports/{id}: counts a poll, so the report moves on. */
export const getBillingReport: Handler = (ctx, _req, _query, id) => {
  const r = ctx.state.billingReports.get(id);
  if (r === undefined) return notFound(id);
  r.polls += 1;
  return ok(200, render(ctx, r, true), undefined, { changed: true });
};

/** DELETE /wholesale/billing/reports/{id}: 204. */
export const deleteBillingReport: Handler = (ctx, _req, _query, id) => {
  if (!ctx.state.billingReports.delete(id)) return notFound(id);
  return ok(204, undefined, undefined, { changed: true });
};
