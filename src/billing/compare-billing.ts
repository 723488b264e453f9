// The pure core of billing reconciliation: what one user's billed lines and ledger rows (same
// email) come to, what one customer's package counts come to, and whether the counts add up.
import type { BillingLedgerUser, BillingUserLine } from '../store/index.ts';

/** Where a user stands between Webex's bill and the ledger. */
export type BillingUserCategory =
  /** Billed under the sheet's package. */
  | 'matched'
  /** Billed, but not (only) under the package the sheet asks for. */
  | 'packageDiffers'
  /** Billed, and no sheet ever asked for this user (made outside the sheets). */
  | 'unknown'
  /** Billed, though the ledger removed the user before the period began. */
  | 'billedAfterRemoval'
  /** Provisioned in the ledger during the period, and not billed. */
  | 'notBilled'
  /** The partner's own organization (R-SELF-1): shown apart, never a discrepancy. */
  | 'partnerOwnOrg';

/** Categories that need a person. */
export const BILLING_DISCREPANCIES: ReadonlySet<BillingUserCategory | BillingCustomerCategory> =
  new Set([
    'packageDiffers',
    'unknown',
    'billedAfterRemoval',
    'notBilled',
    'overLimit',
    'countDiffers',
    'unknownCustomer',
  ]);

/** One user's line of billing.csv. */
export interface BillingUserResult {
  level: 'user';
  partner: string;
  email: string;
  customerExternalId: string | null;
  customerOrgId: string | null;
  category: BillingUserCategory;
  /** The package the sheet asks for (null when no sheet knows the user). */
  sheetPackage: string | null;
  billedPackages: string[];
  /** When the ledger removed the user, for billedAfterRemoval. */
  removedAt: string | null;
}

/** The period compared, its first and last day included (YYYY-MM-DD). */
export interface BillingPeriod {
  start: string;
  end: string;
}

/** What the classifier needs beyond the user's lines. */
export interface BillingUserContext {
  /** The partners sharing the Webex the report came from, joined; a user no ledger knows is theirs. */
  partner: string;
  period: BillingPeriod;
  /** The partners' own org ids (R-SELF-1). */
  ownOrgIds: ReadonlySet<string>;
}

/** The ledger row that speaks for an email: a live one before a removed one, the latest seen. */
function ledgerRowOf(rows: readonly BillingLedgerUser[]): BillingLedgerUser | null {
  let best: BillingLedgerUser | null = null;
  for (const r of rows) {
    if (best === null) best = r;
    else if ((best.webexStatus === 'deleted') !== (r.webexStatus === 'deleted'))
      best = r.webexStatus === 'deleted' ? best : r;
    else if ((r.seenAtMs ?? -Infinity) > (best.seenAtMs ?? -Infinity)) best = r;
  }
  return best;
}

const periodBounds = new WeakMap<BillingPeriod, { first: number; last: number }>();

/** The period's first and last millisecond (UTC days), worked out once per period (a million users ask). */
function periodMs(period: BillingPeriod): { first: number; last: number } {
  let bounds = periodBounds.get(period);
  if (bounds === undefined) {
    bounds = {
      first: Date.parse(`${period.start}T00:00:00.000Z`),
      last: Date.parse(`${period.end}T23:59:59.999Z`),
    };
    periodBounds.set(period, bounds);
  }
  return bounds;
}

function removedBefore(row: BillingLedgerUser, period: BillingPeriod): boolean {
  return row.webexStatus === 'deleted' && (row.seenAtMs ?? -Infinity) < periodMs(period).first;
}

/** Whether the ledger had the user provisioned on some day of the period. */
function provisionedInPeriod(row: BillingLedgerUser, period: BillingPeriod): boolean {
  if (row.createdAtMs > periodMs(period).last) return false;
  if (row.webexStatus === 'deleted') return !removedBefore(row, period);
  return row.inWebex;
}

const packageOf = (b: BillingUserLine) => b.package;
const hasOrg = (b: BillingUserLine) => Boolean(b.customerOrgId);

/** Whether a line bills the partner's own org (R-SELF-1). */
function billsOwnOrg(billed: readonly BillingUserLine[], ownOrgIds: ReadonlySet<string>): boolean {
  for (const b of billed)
    if (b.customerOrgId !== null && ownOrgIds.has(b.customerOrgId)) return true;
  return false;
}

/** A user's line of billing.csv, from what classifyBillingUser worked out. */
function userResult(
  u: {
    email: string;
    billed: BillingUserLine | undefined;
    billedPackages: string[];
    orgId: string | null;
    row: BillingLedgerUser | null;
    partner: string;
  },
  category: BillingUserCategory,
): BillingUserResult {
  return {
    level: 'user',
    partner: u.row?.partner ?? u.partner,
    email: u.email,
    customerExternalId: u.row?.customerExternalId ?? u.billed?.customerExternalId ?? null,
    customerOrgId: u.orgId,
    category,
    sheetPackage: u.row?.package ?? null,
    billedPackages: u.billedPackages,
    removedAt:
      category === 'billedAfterRemoval' && u.row?.seenAtMs != null
        ? new Date(u.row.seenAtMs).toISOString()
        : null,
  };
}

/**
 * One user (one email): its billed lines and its ledger rows, either possibly empty. Null when
 * there is nothing to say (neither billed nor provisioned in the period). Pure.
 */
export function classifyBillingUser(
  email: string,
  billed: readonly BillingUserLine[],
  ledger: readonly BillingLedgerUser[],
  ctx: BillingUserContext,
): BillingUserResult | null {
  const row = ledgerRowOf(ledger);
  // A million users pass here: no closure, Set or sort for the usual single billed line.
  const first = billed[0];
  const billedPackages =
    billed.length === 1 && first !== undefined
      ? [first.package]
      : [...new Set(billed.map(packageOf))].sort();
  const orgId = first?.customerOrgId || billed.find(hasOrg)?.customerOrgId || null;
  const result = { email, billed: first, billedPackages, orgId, row, partner: ctx.partner };
  if (billed.length > 0) {
    if (billsOwnOrg(billed, ctx.ownOrgIds)) return userResult(result, 'partnerOwnOrg');
    if (row === null) return userResult(result, 'unknown');
    if (removedBefore(row, ctx.period)) return userResult(result, 'billedAfterRemoval');
    return userResult(
      result,
      row.package !== null && billedPackages.includes(row.package) ? 'matched' : 'packageDiffers',
    );
  }
  if (row !== null && provisionedInPeriod(row, ctx.period)) return userResult(result, 'notBilled');
  return null;
}

/** How many users fell where, and the two totals they must add up to. */
export interface BillingUserCounts {
  /** Users (emails) Webex billed, the partner's own org left out. */
  billed: number;
  /** Users the ledger had in the period: provisioned, or billed and not removed before it. */
  ledger: number;
  matched: number;
  packageDiffers: number;
  unknown: number;
  billedAfterRemoval: number;
  notBilled: number;
  partnerOwnOrg: number;
}

export function emptyBillingUserCounts(): BillingUserCounts {
  return {
    billed: 0,
    ledger: 0,
    matched: 0,
    packageDiffers: 0,
    unknown: 0,
    billedAfterRemoval: 0,
    notBilled: 0,
    partnerOwnOrg: 0,
  };
}

/**
 * Counts one user: its category, and (from the inputs, not the category) whether Webex billed it
 * and whether the ledger had it, so that checkBillingTotals can catch a classifier that loses one.
 */
export function countBillingUser(
  counts: BillingUserCounts,
  result: BillingUserResult | null,
  billed: readonly BillingUserLine[],
  ledger: readonly BillingLedgerUser[],
  ctx: BillingUserContext,
): void {
  const own = billsOwnOrg(billed, ctx.ownOrgIds);
  const row = ledgerRowOf(ledger);
  if (billed.length > 0 && !own) counts.billed += 1;
  if (!own && row !== null) {
    const had =
      billed.length > 0 ? !removedBefore(row, ctx.period) : provisionedInPeriod(row, ctx.period);
    if (had) counts.ledger += 1;
  }
  if (result !== null) counts[result.category] += 1;
}

/**
 * Why the user counts do not add up, or null when they do: billed = matched + package differs +
 * unknown + billed after removal; ledger = matched + package differs + not billed. Pure.
 */
export function checkBillingTotals(c: BillingUserCounts): string | null {
  const billed = c.matched + c.packageDiffers + c.unknown + c.billedAfterRemoval;
  if (billed !== c.billed)
    return `billing does not add up: Webex billed ${c.billed} user(s), the lines account for ${billed} (matched ${c.matched} + package differs ${c.packageDiffers} + unknown ${c.unknown} + billed after removal ${c.billedAfterRemoval})`;
  const ledger = c.matched + c.packageDiffers + c.notBilled;
  if (ledger !== c.ledger)
    return `billing does not add up: the ledger had ${c.ledger} user(s) in the period, the lines account for ${ledger} (matched ${c.matched} + package differs ${c.packageDiffers} + not billed ${c.notBilled})`;
  return null;
}

/** Where a customer's package stands: Webex's count, the ledger's users and the sheet's limit. */
export type BillingCustomerCategory =
  | 'ok'
  /** Webex counts more than the sheet's limit. */
  | 'overLimit'
  /** Webex counts other than the ledger's provisioned users. */
  | 'countDiffers'
  /** Billed for an org no ledger customer has. */
  | 'unknownCustomer'
  | 'partnerOwnOrg';

/** One customer and package's line of billing.csv. */
export interface BillingCustomerResult {
  level: 'customer';
  partner: string;
  customerExternalId: string | null;
  customerOrgId: string;
  package: string;
  /** Webex's count: the most it counted on one day of the period. */
  webexCount: number;
  ledgerCount: number;
  limit: number | null;
  category: BillingCustomerCategory;
}

/** One customer and package: Webex's peak count against the ledger's users and the sheet's limit. Pure. */
export function classifyBillingCustomer(
  partner: string,
  orgId: string,
  pkg: string,
  webexCount: number,
  ledgerCustomer: { externalId: string; limit: number | null; ledgerCount: number } | null,
  ownOrgIds: ReadonlySet<string>,
): BillingCustomerResult {
  const base = {
    level: 'customer' as const,
    partner,
    customerExternalId: ledgerCustomer?.externalId ?? null,
    customerOrgId: orgId,
    package: pkg,
    webexCount,
    ledgerCount: ledgerCustomer?.ledgerCount ?? 0,
    limit: ledgerCustomer?.limit ?? null,
  };
  if (ownOrgIds.has(orgId)) return { ...base, category: 'partnerOwnOrg' };
  if (ledgerCustomer === null) return { ...base, category: 'unknownCustomer' };
  if (ledgerCustomer.limit !== null && webexCount > ledgerCustomer.limit)
    return { ...base, category: 'overLimit' };
  if (webexCount !== ledgerCustomer.ledgerCount) return { ...base, category: 'countDiffers' };
  return { ...base, category: 'ok' };
}
