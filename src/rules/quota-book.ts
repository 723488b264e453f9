import { UserKeys, withRoom } from './user-keys.ts';

/** A package that has no room: its limit and how many users already hold it. */
export interface QuotaRefusal {
  package: string;
  limit: number;
  count: number;
}

interface Account {
  /** This account's number: a customer deleted and named again gets a new one. */
  serial: number;
  /** Package → most users that may hold it; a package without a limit is not counted against. */
  limits: Map<string, number>;
  /** Package → users holding it. */
  counts: Map<string, number>;
}

/**
 * R-PKG-3 in memory: per customer, each package's limit and who holds it. Seed it from the
 * ledger, then offer rows in sheet order across all files of a run; an offer that fits is
 * applied at once, one that does not is refused and changes nothing. Pure: no I/O, no clock.
 */
export class QuotaBook {
  readonly #accounts = new Map<string, Account>();
  #serials = 0;
  /** Users by customer and lower-case email: the run's rules share theirs (UserKeys). */
  readonly #users: UserKeys;
  /** Per user number: the account whose package #held names (0: none). */
  #holder = new Int32Array(1024);
  /** Per user number: its package's index in #packages, plus one. */
  #held = new Uint16Array(1024);
  readonly #packages: string[] = [];
  readonly #packageIndex = new Map<string, number>();

  constructor(users: UserKeys = new UserKeys()) {
    this.#users = users;
  }

  /** Ledger state: a customer's limits, taken as they are (merged over earlier seeds). */
  seedLimits(customer: string, limits: Readonly<Record<string, number>>): void {
    const account = this.#account(customer);
    for (const [pkg, limit] of Object.entries(limits)) account.limits.set(pkg, limit);
  }

  /** Ledger state: a user already holding a package, taken as it is even beyond the limit. */
  seedAssignment(customer: string, email: string, pkg: string): void {
    this.#move(this.#account(customer), this.#users.add(customer, email.toLowerCase()), pkg);
  }

  /** The package limits a customer row would set that are below what is assigned now. */
  checkLimits(customer: string, limits: Readonly<Record<string, number>>): QuotaRefusal[] {
    const account = this.#accounts.get(customer);
    if (!account) return [];
    return Object.entries(limits)
      .map(([pkg, limit]) => ({ package: pkg, limit, count: account.counts.get(pkg) ?? 0 }))
      .filter((r) => r.count > r.limit);
  }

  /**
   * R-PKG-3: a customer row's limits; refused whole when one is below what is assigned. Limits the
   * row does not name keep their value (a PUT without them leaves Webex's as they are).
   */
  changeLimits(customer: string, limits: Readonly<Record<string, number>>): QuotaRefusal[] {
    const refusals = this.checkLimits(customer, limits);
    if (refusals.length === 0) this.seedLimits(customer, limits);
    return refusals;
  }

  /** Whether giving the user this package would go beyond its limit; changes nothing. */
  checkAssign(customer: string, email: string, pkg: string): QuotaRefusal | null {
    const account = this.#accounts.get(customer);
    if (!account) return null;
    return this.#refusal(account, this.#users.find(customer, email.toLowerCase()), pkg);
  }

  /** R-PKG-3: gives a user a package, freeing the one it held; refused when the package is full. */
  assign(customer: string, email: string, pkg: string): QuotaRefusal | null {
    // One lookup for both the check and the move: a row's user is numbered here if it is new.
    const user = this.#users.add(customer, email.toLowerCase());
    const existing = this.#accounts.get(customer);
    const refusal = existing ? this.#refusal(existing, user, pkg) : null;
    if (!refusal) this.#move(existing ?? this.#account(customer), user, pkg);
    return refusal;
  }

  /** A user deleted: frees its package, which is returned (null when it held none). */
  release(customer: string, email: string): string | null {
    const account = this.#accounts.get(customer);
    if (!account) return null;
    const user = this.#users.find(customer, email.toLowerCase());
    const held = this.#heldBy(account, user);
    if (held === undefined) return null;
    this.#held[user] = 0;
    account.counts.set(held, (account.counts.get(held) ?? 1) - 1);
    return held;
  }

  /** A customer deleted: its users and limits are gone (its account number is not used again). */
  removeCustomer(customer: string): void {
    this.#accounts.delete(customer);
  }

  /** Users holding a package now. */
  assigned(customer: string, pkg: string): number {
    return this.#accounts.get(customer)?.counts.get(pkg) ?? 0;
  }

  /** A package's limit, or undefined when none was stated. */
  limit(customer: string, pkg: string): number | undefined {
    return this.#accounts.get(customer)?.limits.get(pkg);
  }

  /** The package a user holds now, if any. */
  packageOf(customer: string, email: string): string | undefined {
    const account = this.#accounts.get(customer);
    if (!account) return undefined;
    return this.#heldBy(account, this.#users.find(customer, email.toLowerCase()));
  }

  #account(customer: string): Account {
    let account = this.#accounts.get(customer);
    if (!account) {
      account = { serial: ++this.#serials, limits: new Map(), counts: new Map() };
      this.#accounts.set(customer, account);
    }
    return account;
  }

  /** checkAssign for user number `user` (-1: never named). */
  #refusal(account: Account, user: number, pkg: string): QuotaRefusal | null {
    const limit = account.limits.get(pkg);
    if (limit === undefined) return null;
    if (this.#heldBy(account, user) === pkg) return null; // holds it already
    const count = account.counts.get(pkg) ?? 0;
    return count + 1 > limit ? { package: pkg, limit, count } : null;
  }

  /** The package user number `user` holds in this account, if any. */
  #heldBy(account: Account, user: number): string | undefined {
    if (user < 0 || user >= this.#held.length || this.#holder[user] !== account.serial)
      return undefined;
    const index = this.#held[user] as number;
    return index === 0 ? undefined : this.#packages[index - 1];
  }

  #move(account: Account, user: number, pkg: string): void {
    const held = this.#heldBy(account, user);
    if (held === pkg) return;
    if (held !== undefined) account.counts.set(held, (account.counts.get(held) ?? 1) - 1);
    let index = this.#packageIndex.get(pkg);
    if (index === undefined) {
      index = this.#packages.push(pkg);
      this.#packageIndex.set(pkg, index);
    }
    this.#holder = withRoom(this.#holder, user);
    this.#held = withRoom(this.#held, user);
    this.#holder[user] = account.serial;
    this.#held[user] = index;
    account.counts.set(pkg, (account.counts.get(pkg) ?? 0) + 1);
  }
}
