import { makeIssue } from './issue.ts';
import { resolvePolicy } from './policy.ts';
import { QuotaBook } from './quota-book.ts';
import type {
  CustomerDesired,
  CustomerVerdict,
  RowIssue,
  RowRecord,
  RuleContext,
  SubscriberDesired,
  Validated,
} from './types.ts';
import { UserKeys, withRoom } from './user-keys.ts';
import { validateCustomerRow, validateSubscriberRow } from './validate-row.ts';

/** A customer as the ledger holds it (the store's CustomerRow fits). */
export interface LedgerCustomer {
  externalId: string;
  desiredAction: 'upsert' | 'delete';
  /** The accepted CustomerDesired document. */
  desired: unknown;
  /** R-PKG-4: the package the organisation was created with, when the caller knows it. */
  creationPackage?: string | null;
}

/** A subscriber as the ledger holds it (the store's SubscriberRow fits). */
export interface LedgerSubscriber {
  customerExternalId: string;
  email: string;
  desiredAction: 'upsert' | 'delete';
  /** The accepted SubscriberDesired document. */
  desired: unknown;
}

/** What the partner's ledger holds before the run: rows with `desiredAction: 'delete'` are skipped. */
export interface LedgerSeed {
  customers?: Iterable<LedgerCustomer>;
  subscribers?: Iterable<LedgerSubscriber>;
}

/** Where a row is: the file (any id unique within the run) and the row number a spreadsheet shows. */
export interface RowSource {
  file: string;
  row: number;
  /**
   * Where a person finds the row: the sheet's name in a workbook, the file's name for a text
   * file. Knock-on refusals name it ("customer us-001 was refused (Customers, row 2)").
   */
  place?: string;
}

/** A customer row's verdict in the run; `key` is its external id (null when empty). */
export type CustomerCheck = CustomerVerdict & { key: string | null };
/** A subscriber row's verdict in the run; `key` is `customer/email` (null when either is empty). */
export type SubscriberCheck = Validated<SubscriberDesired> & { key: string | null };

/** The rules of one partner's run, carrying what earlier rows decided. */
export interface RunRules {
  /** All row rules of a customer row, then R-PKG-3 limits and DUPLICATE_ROW; applies it if accepted. */
  checkCustomer(row: RowRecord, at: RowSource): CustomerCheck;
  /**
   * All row rules of a subscriber row, then its customer (UNKNOWN_CUSTOMER, CUSTOMER_REJECTED,
   * CUSTOMER_DELETED), R-PKG-2, R-PKG-4, DUPLICATE_ROW and last R-PKG-3; applies it if accepted.
   */
  checkSubscriber(row: RowRecord, at: RowSource): SubscriberCheck;
  /** A file is read to its end: what DUPLICATE_ROW remembered of its rows is let go. */
  forgetFile(file: string): void;
  /** The run's quota book, for reports and tests. */
  readonly quotas: QuotaBook;
}

interface CustomerFacts {
  packages: readonly string[];
  country: string;
  creationPackage: string | null;
}

interface RunCustomer {
  status: 'accepted' | 'refused' | 'deleted';
  row: number;
  place: string | undefined;
}

/**
 * The cross-row rules of one partner's run. Create one per partner per run, seeded with that
 * partner's ledger, and offer every row in sheet order (customer sheets before subscriber sheets,
 * as the import reads them). Rows refused here change nothing; accepted rows are applied to the
 * run's state at once, so later rows see them.
 */
export function createRunRules(ctx: RuleContext, seed: LedgerSeed = {}): RunRules {
  const policy = resolvePolicy(ctx.policy);
  const rank = (pkg: string) => policy.adminPackageRank[pkg] ?? 0;
  // Every user named in the run, numbered: the quota book and DUPLICATE_ROW share the numbers.
  const users = new UserKeys();
  const quotas = new QuotaBook(users);
  const facts = new Map<string, CustomerFacts>();
  // A user's package is the quota book's; admins are few: customer → lower-case emails.
  const admins = new Map<string, Set<string>>();
  const inRun = new Map<string, RunCustomer>();
  // DUPLICATE_ROW: customer rows by file, then external id; user rows by user number.
  const firstCustomerRows = new Map<string, Map<string, number>>();
  const firstUserRows = new FirstUserRows();

  for (const c of seed.customers ?? []) {
    if (c.desiredAction !== 'upsert') continue;
    const d = asCustomer(c.desired);
    facts.set(c.externalId, {
      packages: d.packages,
      country: d.country,
      creationPackage: c.creationPackage ?? null,
    });
    quotas.seedLimits(c.externalId, d.limits);
  }
  for (const s of seed.subscribers ?? []) {
    if (s.desiredAction !== 'upsert' || !facts.has(s.customerExternalId)) continue;
    const d = asSubscriber(s.desired);
    if (!d.package) continue;
    quotas.seedAssignment(s.customerExternalId, s.email, d.package);
    setAdmin(admins, s.customerExternalId, s.email.toLowerCase(), d.isAdmin);
  }

  /** DUPLICATE_ROW: the same key earlier in the same file; `user` keys by customer and email. */
  const duplicate = (
    key: string | null,
    at: RowSource,
    user?: { customer: string; email: string },
  ): RowIssue | null => {
    if (key === null) return null;
    let first: number | null;
    if (user) {
      first = firstUserRows.seen(users.add(user.customer, user.email), at);
    } else {
      let seen = firstCustomerRows.get(at.file);
      if (!seen) firstCustomerRows.set(at.file, (seen = new Map<string, number>()));
      first = seen.get(key) ?? null;
      if (first === null) seen.set(key, at.row);
    }
    return first === null ? null : makeIssue('DUPLICATE_ROW', null, key, { firstRow: first });
  };

  function checkCustomer(row: RowRecord, at: RowSource): CustomerCheck {
    const key = row.external_id || null;
    const verdict = validateCustomerRow(row, ctx);
    const issues = [...verdict.issues];
    const desired = verdict.value;
    // R-PKG-3 whatever else is wrong with the row: what its own cells say is checked too.
    const wanted = desired
      ? desired.action === 'upsert'
        ? { limits: desired.limits, packages: desired.packages as string[] | null }
        : null
      : (verdict.parsed ?? null);
    if (wanted && key) {
      for (const r of quotas.checkLimits(key, wanted.limits)) {
        // limit columns are canonical `limit_<api name>` (ingest maps display names)
        const column = `limit_${r.package}`;
        issues.push(makeIssue('QUOTA_BELOW_ASSIGNED', column, String(r.limit), { ...r }));
      }
      for (const pkg of wanted.packages ? (facts.get(key)?.packages ?? []) : []) {
        const count = quotas.assigned(key, pkg);
        if (!wanted.packages?.includes(pkg) && count > 0)
          issues.push(
            makeIssue('QUOTA_BELOW_ASSIGNED', 'packages', row.packages ?? '', {
              package: pkg,
              limit: 0,
              count,
            }),
          );
      }
    }
    const repeat = duplicate(key, at);
    if (repeat) issues.push(repeat);
    if (issues.length > 0 || !desired) {
      if (key && !repeat && !inRun.has(key))
        inRun.set(key, { status: 'refused', row: at.row, place: at.place });
      return { value: null, issues, defaults: [], meetings: null, key };
    }
    if (key) applyCustomer(key, desired, at);
    return { ...verdict, issues, key };
  }

  function applyCustomer(key: string, desired: CustomerDesired, at: RowSource): void {
    if (desired.action === 'delete') {
      quotas.removeCustomer(key);
      facts.delete(key);
      admins.delete(key);
      inRun.set(key, { status: 'deleted', row: at.row, place: at.place });
      return;
    }
    quotas.changeLimits(key, desired.limits);
    const previous = facts.get(key);
    facts.set(key, {
      packages: desired.packages,
      country: desired.address.country,
      creationPackage: previous?.creationPackage ?? null,
    });
    inRun.set(key, { status: 'accepted', row: at.row, place: at.place });
  }

  function checkSubscriber(row: RowRecord, at: RowSource): SubscriberCheck {
    const customer = row.customer_external_id ?? '';
    const email = row.email ? row.email.toLowerCase() : '';
    const key = customer && email ? `${customer}/${email}` : null;
    const known = facts.get(customer);
    const verdict = validateSubscriberRow(row, { ...ctx, customerCountry: known?.country });
    const desired = verdict.value;
    // Without its customer a national phone number has no region to be read in: the customer
    // is the problem to report, not the number.
    const issues = known
      ? [...verdict.issues]
      : verdict.issues.filter(
          (i) =>
            !(
              i.code === 'INVALID_PHONE' &&
              i.column === 'phone_number' &&
              !i.value?.startsWith('+')
            ),
        );
    // The customer is judged even when other cells are wrong, so each row says all it needs.
    const upsert = desired
      ? desired.action === 'upsert'
      : !/^delete$/i.test((row.action ?? '').trim());
    if (upsert && customer) {
      const run = inRun.get(customer);
      if (run?.status === 'refused' || run?.status === 'deleted') {
        const where = { customerRow: run.row, ...(run.place ? { customerPlace: run.place } : {}) };
        const code = run.status === 'refused' ? 'CUSTOMER_REJECTED' : 'CUSTOMER_DELETED';
        issues.push(customerIssue(code, customer, where));
      } else if (!known) {
        issues.push(customerIssue('UNKNOWN_CUSTOMER', customer, {}));
      } else {
        // R-PKG-2 and R-PKG-4 whatever else is wrong with the row: every problem at once.
        const user = desired ?? verdict.parsed;
        if (user.package) issues.push(...packageRules(customer, user, known));
      }
    }
    const repeat = duplicate(key, at, { customer, email });
    if (repeat) issues.push(repeat);
    if (issues.length === 0 && desired && key) {
      if (desired.action === 'delete') {
        quotas.release(customer, desired.email);
        setAdmin(admins, customer, desired.email.toLowerCase(), false);
      } else {
        const refusal = quotas.assign(customer, desired.email, desired.package);
        if (refusal)
          issues.push(
            makeIssue('QUOTA_EXCEEDED', 'package', row.package ?? desired.package, {
              ...refusal,
              customer,
            }),
          );
        else setAdmin(admins, customer, desired.email.toLowerCase(), desired.isAdmin);
      }
    } else if (upsert && known && verdict.parsed.package && verdict.parsed.email) {
      // R-PKG-3 for a row refused for something else: said, but no seat is taken.
      const onCustomer = !issues.some((i) => i.code === 'PACKAGE_NOT_ON_CUSTOMER');
      const refusal =
        onCustomer && quotas.checkAssign(customer, verdict.parsed.email, verdict.parsed.package);
      if (refusal)
        issues.push(
          makeIssue('QUOTA_EXCEEDED', 'package', row.package ?? verdict.parsed.package, {
            ...refusal,
            customer,
          }),
        );
    }
    if (issues.length > 0) return { value: null, issues, key };
    return { value: desired, issues, key };
  }

  /** R-PKG-2 and R-PKG-4 for an upsert whose customer is known. */
  function packageRules(
    customer: string,
    desired: Pick<SubscriberDesired, 'package' | 'isAdmin' | 'email'>,
    known: CustomerFacts,
  ): RowIssue[] {
    const pkg = desired.package;
    const cell = desired.package;
    if (!known.packages.includes(pkg))
      return [
        makeIssue('PACKAGE_NOT_ON_CUSTOMER', 'package', cell, {
          customer,
          packages: known.packages.join(', '),
        }),
      ];
    const email = desired.email.toLowerCase();
    const held = quotas.packageOf(customer, email);
    const wasAdmin = admins.get(customer)?.has(email) ?? false;
    if ((wasAdmin || desired.isAdmin) && held !== undefined && rank(pkg) < rank(held))
      return [makeIssue('ADMIN_DOWNGRADE', 'package', cell, { from: held, to: pkg })];
    if (!desired.isAdmin) return [];
    const level = known.creationPackage
      ? rank(known.creationPackage)
      : Math.max(0, ...known.packages.map(rank));
    if (level === 0 || rank(pkg) === level) return [];
    const expected = known.creationPackage
      ? [known.creationPackage]
      : known.packages.filter((p) => rank(p) === level);
    return [
      makeIssue('ADMIN_PACKAGE_MISMATCH', 'package', cell, { expected: expected.join(' / ') }),
    ];
  }

  const forgetFile = (file: string): void => {
    firstCustomerRows.delete(file);
    firstUserRows.forget(file);
  };

  return { checkCustomer, checkSubscriber, forgetFile, quotas };
}

/** DUPLICATE_ROW for user rows: per user number, the file (numbered here) and row that named it first. */
class FirstUserRows {
  readonly #files = new Map<string, number>();
  #filesSeen = 0;
  #file = new Int32Array(1024);
  #row = new Int32Array(1024);

  /** The row of the same file that named this user before, or null (and this row is remembered). */
  seen(user: number, at: RowSource): number | null {
    let file = this.#files.get(at.file);
    if (file === undefined) this.#files.set(at.file, (file = ++this.#filesSeen));
    if (this.#file[user] === file) return this.#row[user] as number;
    this.#file = withRoom(this.#file, user);
    this.#row = withRoom(this.#row, user);
    this.#file[user] = file;
    this.#row[user] = at.row;
    return null;
  }

  /** The file is read to its end: its rows are not looked up again (its number is not reused). */
  forget(file: string): void {
    this.#files.delete(file);
  }
}

function setAdmin(
  admins: Map<string, Set<string>>,
  customer: string,
  email: string,
  isAdmin: boolean,
): void {
  const set = admins.get(customer);
  if (isAdmin) {
    if (set) set.add(email);
    else admins.set(customer, new Set([email]));
  } else if (set?.delete(email) && set.size === 0) admins.delete(customer);
}

function customerIssue(
  code: 'CUSTOMER_REJECTED' | 'CUSTOMER_DELETED' | 'UNKNOWN_CUSTOMER',
  customer: string,
  params: Record<string, number | string>,
): RowIssue {
  return makeIssue(code, 'customer_external_id', customer, params);
}

/** The parts of a ledger CustomerDesired the rules need, read defensively. */
function asCustomer(doc: unknown): {
  packages: string[];
  limits: Record<string, number>;
  country: string;
} {
  const d = (doc ?? {}) as Partial<CustomerDesired>;
  const limits: Record<string, number> = {};
  for (const [pkg, n] of Object.entries(d.limits ?? {})) if (typeof n === 'number') limits[pkg] = n;
  return {
    packages: Array.isArray(d.packages) ? d.packages.filter((p) => typeof p === 'string') : [],
    limits,
    country: typeof d.address?.country === 'string' ? d.address.country : '',
  };
}

/** The parts of a ledger SubscriberDesired the rules need, read defensively. */
function asSubscriber(doc: unknown): { package: string; isAdmin: boolean } {
  const d = (doc ?? {}) as Partial<SubscriberDesired>;
  return { package: typeof d.package === 'string' ? d.package : '', isAdmin: d.isAdmin === true };
}
