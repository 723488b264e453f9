// The shell of billing reconciliation: per partner, ask Webex for the USER and CUSTOMER reports of
// the period, read the USER report and the ledger's subscribers into one index by email (memory
// bounded by the users, not the report's lines), classify each user once, write billing.csv in
// batches, check that the counts add up, and raise what needs a person.
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { partnerConfig, type Config } from '../config/index.ts';
import {
  addAttention,
  billingCsvColumns,
  CUSTOMER_COUNT_PREFIX,
  writeReportCsvBatches,
  type BillingSection,
} from '../reports/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  listPartnerIds,
  loadCustomers,
  readBillingLedgerPages,
  type BillingReportKey,
} from '../store/index.ts';
import { planWebexViews } from '../reconcile/index.ts';
import { AuthError, WebexCallError, type BillingPort, type WebexTargets } from '../webex/index.ts';
import {
  BILLING_DISCREPANCIES,
  checkBillingTotals,
  classifyBillingCustomer,
  classifyBillingUser,
  countBillingUser,
  emptyBillingUserCounts,
  type BillingCustomerResult,
  type BillingPeriod,
  type BillingUserContext,
  type BillingUserCounts,
  type BillingUserResult,
} from './compare-billing.ts';
import { followBillingReport, releaseBillingReport } from './follow-billing-report.ts';
import { BillingUserIndex } from './billing-user-index.ts';
import { readBillingCustomerReport } from './read-billing-report.ts';
import { readUserReportInWorker, type BilledLine } from './read-user-report-in-worker.ts';

/** The file billing reconciliation writes in the run's report folder. */
export const BILLING_CSV = 'billing.csv';

/** billing.csv's lines per write. */
const CSV_BATCH = 2000;

/** Discrepancies kept per partner for the report's section (billing.csv has them all). */
const KEPT_PER_PARTNER = 500;

export type BillingLine = BillingUserResult | BillingCustomerResult;

/** What a billing run found, for the summary and the report's section. */
export interface BillingOutcome {
  period: BillingPeriod & { pointInTime: boolean };
  partners: { partner: string; users: BillingUserCounts; customers: Record<string, number> }[];
  /** Lines that need a person, at most KEPT_PER_PARTNER per partner. */
  discrepancies: BillingLine[];
}

/** A line of billing.csv. Pure. */
export function billingCsvRow(line: BillingLine): string[] {
  if (line.level === 'user')
    return [
      line.partner,
      'user',
      line.customerExternalId ?? '',
      line.customerOrgId ?? '',
      line.email,
      line.sheetPackage ?? '',
      line.billedPackages.join(' '),
      '',
      '',
      '',
      line.category,
      line.removedAt ?? '',
    ];
  return [
    line.partner,
    'customer',
    line.customerExternalId ?? '',
    line.customerOrgId,
    '',
    line.package,
    '',
    String(line.webexCount),
    String(line.ledgerCount),
    line.limit === null ? '' : String(line.limit),
    line.category,
    '',
  ];
}

function ownOrgIdsOf(config: Config, partner: string): Set<string> {
  const s = partnerConfig(config, partner);
  return new Set([s.orgId, s.webex.subPartnerOrgId].filter((v): v is string => Boolean(v)));
}

/** Where a run compares: its ledger. */
export type BillingRunScope = Pick<RunContext, 'db'>;

/**
 * The users of a view: its partners' subscribers (their pages read one after the other) and the
 * USER report's lines, read at the same time: the database reads its pages in its own thread while
 * the report is parsed (in a worker: readUserReportInWorker). A report that cannot be read throws
 * once the ledger's read has ended.
 */
export async function indexUsers(
  ctx: BillingRunScope,
  partners: readonly string[],
  report: AsyncIterable<readonly BilledLine[]>,
): Promise<BillingUserIndex> {
  const index = new BillingUserIndex();
  const ledger = (async () => {
    for (const partner of partners)
      for await (const page of readBillingLedgerPages(ctx.db, partner))
        index.addLedgerPage(partner, page);
  })();
  // Awaited below, which throws its error.
  ledger.catch(() => undefined);
  try {
    for await (const batch of report) for (const line of batch) index.addBilledLine(line);
  } catch (err) {
    await ledger.catch(() => undefined);
    throw err;
  }
  await ledger;
  return index;
}

/** Webex's peak daily count per customer org and package, from a CUSTOMER report. */
async function readPeakCounts(stream: AsyncIterable<unknown>): Promise<Map<string, number>> {
  const perDay = new Map<string, number>();
  for await (const r of readBillingCustomerReport(stream)) {
    const key = `${r.customerOrgId}\u0000${r.package}\u0000${r.date ?? ''}`;
    perDay.set(key, (perDay.get(key) ?? 0) + r.quantity);
  }
  const peak = new Map<string, number>();
  for (const [key, quantity] of perDay) {
    const orgPackage = key.slice(0, key.lastIndexOf('\u0000'));
    peak.set(orgPackage, Math.max(peak.get(orgPackage) ?? 0, quantity));
  }
  return peak;
}

/**
 * The key of a partner's customer and package in ledgerPerPackage, made once per customer and
 * package rather than once per user (a million joined strings, each hashed again).
 */
class PackageKeys {
  private readonly made = new Map<string, Map<string, Map<string, string>>>();

  of(partner: string, customer: string, pkg: string): string {
    let byCustomer = this.made.get(partner);
    if (!byCustomer) this.made.set(partner, (byCustomer = new Map<string, Map<string, string>>()));
    let byPackage = byCustomer.get(customer);
    if (!byPackage) byCustomer.set(customer, (byPackage = new Map<string, string>()));
    let key = byPackage.get(pkg);
    if (key === undefined) byPackage.set(pkg, (key = [partner, customer, pkg].join('\u0000')));
    return key;
  }
}

/**
 * Classifies each user of the index once (ledger users in the ledger's order, then users only
 * billed in the report's order) and counts them; also counts the ledger's users per customer and
 * package.
 */
export function* compareUsers(
  index: BillingUserIndex,
  view: { partners: readonly string[]; reported: ReadonlySet<string> },
  uc: BillingUserContext,
  counts: BillingUserCounts,
  ledgerPerPackage: Map<string, number>,
): Generator<BillingUserResult> {
  const keys = new PackageKeys();
  for (const { email, billed, ledger } of index.users()) {
    const result = classifyBillingUser(email, billed, ledger, uc);
    // With --partner, the users of the other partners sharing this Webex are not reported.
    if (result !== null && result.partner !== uc.partner && !view.reported.has(result.partner))
      continue;
    countBillingUser(counts, result, billed, ledger, uc);
    if (result === null) continue;
    if (
      LEDGER_CATEGORIES.has(result.category) &&
      result.customerExternalId &&
      result.sheetPackage
    ) {
      const key = keys.of(result.partner, result.customerExternalId, result.sheetPackage);
      ledgerPerPackage.set(key, (ledgerPerPackage.get(key) ?? 0) + 1);
    }
    yield result;
  }
}

/** Users the ledger had in the period: they count towards their customer's package. */
const LEDGER_CATEGORIES: ReadonlySet<string> = new Set(['matched', 'packageDiffers', 'notBilled']);

type Obtained = {
  port: BillingPort;
  user: { id: string; url: string };
  customer: { id: string; url: string };
};

/** Follows both reports of a partner; null (with attention raised) when either is not ready. */
async function obtainReports(
  ctx: RunContext,
  partner: string,
  name: string,
  port: BillingPort,
  period: BillingPeriod,
): Promise<Obtained | null> {
  const deps = {
    db: ctx.db,
    port,
    runId: ctx.runId,
    now: () => ctx.clock.now().toISOString(),
    signal: ctx.signal,
    dryRun: ctx.dryRun,
  };
  const got: Partial<Record<'USER' | 'CUSTOMER', { id: string; url: string }>> = {};
  for (const type of ['USER', 'CUSTOMER'] as const) {
    const key: BillingReportKey = { partner, type, start: period.start, end: period.end };
    const followed = await followBillingReport(deps, key, ctx.config.billing);
    if (followed.state === 'not_asked') {
      ctx.tally.notes.push(
        `dry run: partner ${name}'s billing for ${period.start}..${period.end} not compared: ${type} report: ${followed.reason}; a real run asks Webex for it`,
      );
      return null;
    }
    if (followed.state === 'in_progress') {
      addAttention(ctx.tally.attention, {
        kind: 'billing_report_pending',
        partner: name,
        count: 1,
        message: `Webex is still making the ${type} billing report of partner ${name} for ${period.start}..${period.end} (id ${followed.webexReportId}); the next billing run picks it up.`,
      });
      return null;
    }
    if (followed.state === 'failed') {
      addAttention(ctx.tally.attention, {
        kind: 'billing_report_failed',
        partner: name,
        count: 1,
        message: `Webex could not make the ${type} billing report of partner ${name} for ${period.start}..${period.end}: ${followed.message}; the next billing run asks for a new one.`,
      });
      return null;
    }
    got[type] = { id: followed.webexReportId, url: followed.url };
  }
  return {
    port,
    user: got.USER as { id: string; url: string },
    customer: got.CUSTOMER as { id: string; url: string },
  };
}

/**
 * `rtm-batch billing`: Webex's billing reports of the period held against the ledger and the
 * sheets' limits, per partner. Throws when the counts do not add up (a bug: the run fails).
 */
export async function runBilling(
  ctx: RunContext,
  targets: WebexTargets,
  period: BillingPeriod & { pointInTime: boolean },
): Promise<BillingOutcome> {
  const inLedger = await listPartnerIds(ctx.db);
  const partners = [...new Set([...inLedger, ...Object.keys(ctx.config.partners)])]
    .filter((p) => !ctx.partnerFilter || p === ctx.partnerFilter)
    .sort();
  const outcome: BillingOutcome = { period, partners: [], discrepancies: [] };
  const reportDir = path.join(ctx.config.home, 'reports', ctx.runId);
  await mkdir(reportDir, { recursive: true });
  const failures: string[] = [];

  async function* lines(): AsyncGenerator<BillingLine[]> {
    for (const view of planWebexViews(ctx.config, partners)) {
      if (ctx.signal.aborted) return;
      const reported = view.partners.filter((p) => !ctx.partnerFilter || p === ctx.partnerFilter);
      if (reported.length === 0) continue;
      // Partners sharing one Webex (the embedded simulator) get one report, compared with all their ledgers.
      const name = view.partners.join(', ');
      const key = reported[0] as string;
      const target = targets.billingPortFor?.(key) ?? { error: 'no billing client' };
      if (!target.port) {
        ctx.tally.notes.push(`${target.error}; billing not reconciled`);
        addAttention(ctx.tally.attention, {
          kind: 'partner_unreachable',
          partner: name,
          count: 1,
          message: target.error,
        });
        continue;
      }
      let obtained: Obtained | null;
      try {
        obtained = await obtainReports(ctx, key, name, target.port, period);
      } catch (err) {
        if (err instanceof AuthError)
          addAttention(ctx.tally.attention, {
            kind: 'token_refused',
            partner: name,
            count: 1,
            message: `partner ${name}: Webex refused its token; billing not reconciled (${err.info.description})`,
          });
        // Webex unreachable, or a create whose answer was lost: this view waits for the next run
        // (which looks a lost create up before it asks again); the other views go on.
        else if (err instanceof WebexCallError)
          addAttention(ctx.tally.attention, {
            kind: 'partner_unreachable',
            partner: name,
            count: 1,
            message: `partner ${name}: billing not reconciled, Webex's billing reports could not be reached (${err.message}); the next run tries again, looking up any report already asked for first`,
          });
        else throw err;
        continue;
      }
      if (obtained === null) continue;
      const ownOrgIds = new Set(view.partners.flatMap((p) => [...ownOrgIdsOf(ctx.config, p)]));
      const uc: BillingUserContext = { partner: name, period, ownOrgIds };
      const index = await indexUsers(
        ctx,
        view.partners,
        readUserReportInWorker(await obtained.port.downloadBillingReport(obtained.user.url)),
      );
      const peak = await readPeakCounts(
        await obtained.port.downloadBillingReport(obtained.customer.url),
      );
      const counts = emptyBillingUserCounts();
      const ledgerPerPackage = new Map<string, number>();
      let kept = 0;
      const keep = (line: BillingLine) => {
        if (!BILLING_DISCREPANCIES.has(line.category) || kept >= KEPT_PER_PARTNER) return;
        kept += 1;
        outcome.discrepancies.push(line);
      };
      const scope = { partners: view.partners, reported: new Set(reported) };
      let batch: BillingLine[] = [];
      for (const line of compareUsers(index, scope, uc, counts, ledgerPerPackage)) {
        keep(line);
        batch.push(line);
        if (batch.length >= CSV_BATCH) {
          yield batch;
          batch = [];
        }
      }
      const customerCounts: Record<string, number> = {};
      const customers = (
        await Promise.all(view.partners.map((p) => loadCustomers(ctx.db, p)))
      ).flat();
      const byOrg = new Map(
        customers.filter((c) => c.webexOrgId).map((c) => [c.webexOrgId as string, c]),
      );
      const limitOf = (desired: unknown, pkg: string): number | null =>
        (desired as { limits?: Record<string, number> }).limits?.[pkg] ?? null;
      const seen = new Set<string>();
      const customerLine = (
        orgId: string,
        pkg: string,
        webexCount: number,
        c: (typeof customers)[number] | null,
      ) => {
        const ledgerKey = c ? [c.partnerId, c.externalId, pkg].join('\u0000') : '';
        seen.add(ledgerKey);
        const line = classifyBillingCustomer(
          c?.partnerId ?? name,
          orgId,
          pkg,
          webexCount,
          c && {
            externalId: c.externalId,
            limit: limitOf(c.desired, pkg),
            ledgerCount: ledgerPerPackage.get(ledgerKey) ?? 0,
          },
          ownOrgIds,
        );
        customerCounts[line.category] = (customerCounts[line.category] ?? 0) + 1;
        keep(line);
        return line;
      };
      for (const [orgPackage, webexCount] of peak) {
        const [orgId, pkg] = orgPackage.split('\u0000') as [string, string];
        const c = byOrg.get(orgId) ?? null;
        if (c && !scope.reported.has(c.partnerId)) continue;
        batch.push(customerLine(orgId, pkg, webexCount, c));
      }
      // A customer and package the ledger has users of, and Webex counted none of.
      for (const c of customers) {
        if (!c.webexOrgId || !scope.reported.has(c.partnerId)) continue;
        for (const ledgerKey of ledgerPerPackage.keys()) {
          const [p, ext, pkg] = ledgerKey.split('\u0000') as [string, string, string];
          if (p !== c.partnerId || ext !== c.externalId || seen.has(ledgerKey)) continue;
          batch.push(customerLine(c.webexOrgId, pkg, 0, c));
        }
      }
      yield batch;
      const release = {
        db: ctx.db,
        port: obtained.port,
        runId: ctx.runId,
        now: () => ctx.clock.now().toISOString(),
        dryRun: ctx.dryRun,
      };
      for (const [type, report] of [
        ['USER', obtained.user],
        ['CUSTOMER', obtained.customer],
      ] as const)
        await releaseBillingReport(
          release,
          { partner: key, type, start: period.start, end: period.end },
          report.id,
          ctx.config.billing.deleteReports,
        );
      const wrong = checkBillingTotals(counts);
      if (wrong !== null) failures.push(`partner ${name}: ${wrong}`);
      outcome.partners.push({ partner: name, users: counts, customers: customerCounts });
      ctx.log.info(
        `billing ${period.start}..${period.end}: ${index.lines} USER report line(s) compared`,
        { partner: name, billing: counts },
      );
      raiseAttention(ctx, name, counts, customerCounts, period);
    }
  }

  async function* records(): AsyncGenerator<string[][]> {
    // The header in the report's language; level and category stay codes (billing-labels.ts).
    yield [billingCsvColumns(ctx.config.reportLocale)];
    for await (const batch of lines()) yield batch.map(billingCsvRow);
  }
  await writeReportCsvBatches(path.join(reportDir, BILLING_CSV), records());
  if (failures.length > 0) throw new Error(failures.join('; '));
  return outcome;
}

/** Contract §4: what Webex will bill differently from the sheets needs a person (exit 1). */
function raiseAttention(
  ctx: RunContext,
  partner: string,
  u: BillingUserCounts,
  customers: Record<string, number>,
  period: BillingPeriod,
): void {
  const parts: string[] = [];
  if (u.unknown > 0) parts.push(`${u.unknown} user(s) billed that no sheet asked for`);
  if (u.billedAfterRemoval > 0)
    parts.push(`${u.billedAfterRemoval} user(s) billed after the sheets removed them`);
  if (u.packageDiffers > 0)
    parts.push(`${u.packageDiffers} user(s) billed under another package than the sheet's`);
  if (u.notBilled > 0) parts.push(`${u.notBilled} provisioned user(s) not billed`);
  const over = customers.overLimit ?? 0;
  const differs = customers.countDiffers ?? 0;
  const unknownCustomers = customers.unknownCustomer ?? 0;
  if (over > 0) parts.push(`${over} customer package(s) billed over the sheet's limit`);
  if (differs > 0)
    parts.push(`${differs} customer package(s) counted other than the ledger's users`);
  if (unknownCustomers > 0)
    parts.push(`${unknownCustomers} customer package(s) billed for an org in no sheet`);
  const count =
    u.unknown +
    u.billedAfterRemoval +
    u.packageDiffers +
    u.notBilled +
    over +
    differs +
    unknownCustomers;
  if (count === 0) return;
  addAttention(ctx.tally.attention, {
    kind: 'billing_discrepancies',
    partner,
    count,
    message: `Webex's billing of partner ${partner} for ${period.start}..${period.end} differs from the sheets: ${parts.join('; ')}. See billing.csv.`,
  });
}

/** The outcome as the reports show it: counts per view and the discrepancies kept. Pure. */
export function billingSection(outcome: BillingOutcome): BillingSection {
  return {
    period: outcome.period,
    partners: outcome.partners.map((p) => ({
      partner: p.partner,
      counts: { ...p.users, ...prefixed(CUSTOMER_COUNT_PREFIX, p.customers) },
    })),
    lines: outcome.discrepancies.map((l) =>
      l.level === 'user'
        ? {
            partner: l.partner,
            level: 'user',
            customer: l.customerExternalId,
            orgId: l.customerOrgId,
            user: l.email,
            package: l.sheetPackage,
            billed: l.billedPackages.join(' '),
            webexCount: null,
            ledgerCount: null,
            limit: null,
            category: l.category,
          }
        : {
            partner: l.partner,
            level: 'customer',
            customer: l.customerExternalId,
            orgId: l.customerOrgId,
            user: null,
            package: l.package,
            billed: '',
            webexCount: l.webexCount,
            ledgerCount: l.ledgerCount,
            limit: l.limit,
            category: l.category,
          },
    ),
  };
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${prefix}${k}`, v]));
}
