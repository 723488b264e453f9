// The users of one billing comparison, held compactly by email: the ledger's subscribers (from
// their pages) and what the USER report billed them (line by line, in any order). Both sides fill
// it at the same time; once both are read, each user is handed to the pure classifier once.
// Memory is bounded by the users (emails of the ledger and the report), not the report's lines:
// an email, a map entry and some numbers each; repeated text (customers, orgs, packages) is held
// once.
import {
  type BillingLedgerPage,
  type BillingLedgerUser,
  type BillingUserLine,
} from '../store/index.ts';

/** Repeated text as small numbers. */
class Interned {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string | null): number {
    if (value === null) return -1;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  value(id: number): string | null {
    return id < 0 ? null : (this.values[id] as string);
  }
}

const START = 1024;

/** A column of whole numbers that grows as it fills; -1 where nothing was set. */
class Int32Column {
  private data = new Int32Array(START).fill(-1);

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      // A slot can be far past the end: slots fill from both sides.
      const grown = new Int32Array(Math.max(this.data.length * 2, index + 1)).fill(-1);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }

  get(index: number): number {
    return index < this.data.length ? (this.data[index] as number) : -1;
  }
}

/** A column of numbers (times in ms) that grows as it fills; NaN where nothing was set. */
class Float64Column {
  private data = new Float64Array(START).fill(Number.NaN);

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      // A slot can be far past the end: slots fill from both sides.
      const grown = new Float64Array(Math.max(this.data.length * 2, index + 1)).fill(Number.NaN);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }

  get(index: number): number {
    return index < this.data.length ? (this.data[index] as number) : Number.NaN;
  }
}

const int32 = () => new Int32Column();

/**
 * Emails to slots (0, 1, 2… in the order first seen): open addressing over an FNV-1a hash. At a
 * million fresh strings a Map took ~30% longer, most of it in the engine's string hashing.
 */
class EmailSlots {
  readonly emails: string[] = [];
  private hashes = new Int32Array(START);
  private table = new Int32Array(START * 2).fill(-1);

  private static hash(text: string): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
  }

  slotOf(email: string): number {
    const h = EmailSlots.hash(email);
    const mask = this.table.length - 1;
    let at = h & mask;
    for (let slot = this.table[at] as number; slot >= 0; slot = this.table[at] as number) {
      if (this.hashes[slot] === h && this.emails[slot] === email) return slot;
      at = (at + 1) & mask;
    }
    const slot = this.emails.length;
    this.emails.push(email);
    if (slot >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[slot] = h;
    this.table[at] = slot;
    // At most half full, so a probe meets an empty place soon.
    if (this.emails.length * 2 > this.table.length) this.grow();
    return slot;
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.emails.length; slot++) {
      let at = (this.hashes[slot] as number) & mask;
      while ((table[at] as number) >= 0) at = (at + 1) & mask;
      table[at] = slot;
    }
    this.table = table;
  }
}

/** One user as the classifier takes it: the lines billed (one per package and org) and the ledger rows. */
export interface IndexedUser {
  email: string;
  billed: BillingUserLine[];
  ledger: BillingLedgerUser[];
}

/** The ledger and the USER report of one comparison, by email. */
export class BillingUserIndex {
  private readonly slots = new EmailSlots();
  private readonly text = new Interned();
  // Per user (slot): its ledger rows as a chain, and the first package and org billed (-1: none).
  private readonly firstRow = int32();
  private readonly lastRow = int32();
  private readonly billedPackage = int32();
  private readonly billedOrg = int32();
  private readonly billedCustomer = int32();
  /** Further (package, org) pairs billed to a user, after its first: rare. */
  private readonly moreBilled = new Map<number, number[]>();
  // Per ledger row.
  private rows = 0;
  private readonly rowSlot = int32();
  private readonly rowNext = int32();
  private readonly rowPartner = int32();
  private readonly rowCustomer = int32();
  private readonly rowPackage = int32();
  private readonly rowStatus = int32();
  private readonly rowInWebex = int32();
  private readonly rowSeen = new Float64Column();
  private readonly rowCreated = new Float64Column();
  /** Report lines taken. */
  lines = 0;

  private slotOf(email: string): number {
    return this.slots.slotOf(email);
  }

  /** Adds a page of a partner's subscribers (readBillingLedgerPages). */
  addLedgerPage(partner: string, page: BillingLedgerPage): void {
    const partnerId = this.text.id(partner);
    for (const [email, customer, pkg, inWebex, status, seen, created] of page) {
      const slot = this.slotOf(email);
      const row = this.rows++;
      this.rowSlot.set(row, slot);
      this.rowPartner.set(row, partnerId);
      this.rowCustomer.set(row, this.text.id(customer));
      this.rowPackage.set(row, this.text.id(pkg === null ? null : String(pkg)));
      this.rowInWebex.set(row, inWebex ? 1 : 0);
      this.rowStatus.set(row, this.text.id(status));
      this.rowSeen.set(row, seen ?? Number.NaN);
      this.rowCreated.set(row, created);
      const last = this.lastRow.get(slot);
      if (last < 0) this.firstRow.set(slot, row);
      else this.rowNext.set(last, row);
      this.lastRow.set(slot, row);
    }
  }

  /** Adds one line of the USER report (its email lower-cased). */
  addBilledLine(
    line: Pick<BillingUserLine, 'email' | 'package' | 'customerOrgId' | 'customerExternalId'>,
  ): void {
    this.lines += 1;
    const slot = this.slotOf(line.email);
    const pkg = this.text.id(line.package);
    const org = this.text.id(line.customerOrgId);
    const first = this.billedPackage.get(slot);
    if (first < 0) {
      this.billedPackage.set(slot, pkg);
      this.billedOrg.set(slot, org);
      this.billedCustomer.set(slot, this.text.id(line.customerExternalId));
      return;
    }
    // The classifier looks at the packages, the first org and whether any org is the partner's
    // own: a (package, org) pair seen before adds nothing.
    if (first === pkg && this.billedOrg.get(slot) === org) return;
    const more = this.moreBilled.get(slot);
    if (more === undefined) this.moreBilled.set(slot, [pkg, org]);
    else {
      for (let i = 0; i < more.length; i += 2) if (more[i] === pkg && more[i + 1] === org) return;
      more.push(pkg, org);
    }
  }

  /** Users known: emails of the ledger and the report together. */
  get size(): number {
    return this.slots.emails.length;
  }

  private billedLine(email: string, pkg: number, org: number, customer: number): BillingUserLine {
    return {
      email,
      package: this.text.value(pkg) as string,
      customerOrgId: this.text.value(org),
      customerExternalId: this.text.value(customer),
      subscriberId: null,
      days: null,
    };
  }

  private user(slot: number): IndexedUser {
    const email = this.slots.emails[slot] as string;
    const billed: BillingUserLine[] = [];
    const pkg = this.billedPackage.get(slot);
    if (pkg >= 0) {
      const customer = this.billedCustomer.get(slot);
      billed.push(this.billedLine(email, pkg, this.billedOrg.get(slot), customer));
      const more = this.moreBilled.get(slot) ?? [];
      for (let i = 0; i < more.length; i += 2)
        billed.push(this.billedLine(email, more[i] as number, more[i + 1] as number, customer));
    }
    const ledger: BillingLedgerUser[] = [];
    for (let row = this.firstRow.get(slot); row >= 0; row = this.rowNext.get(row)) {
      const seen = this.rowSeen.get(row);
      ledger.push({
        partner: this.text.value(this.rowPartner.get(row)) as string,
        email,
        customerExternalId: this.text.value(this.rowCustomer.get(row)) as string,
        package: this.text.value(this.rowPackage.get(row)),
        inWebex: this.rowInWebex.get(row) === 1,
        webexStatus: this.text.value(this.rowStatus.get(row)),
        seenAtMs: Number.isNaN(seen) ? null : seen,
        createdAtMs: this.rowCreated.get(row),
      });
    }
    return { email, billed, ledger };
  }

  /**
   * Hands each user over once: those in the ledger in the ledger's order, then those only billed
   * in the report's order (the same order whichever side was read first).
   */
  *users(): Generator<IndexedUser> {
    for (let row = 0; row < this.rows; row++) {
      const slot = this.rowSlot.get(row);
      if (this.firstRow.get(slot) === row) yield this.user(slot);
    }
    for (let slot = 0; slot < this.slots.emails.length; slot++)
      if (this.firstRow.get(slot) < 0) yield this.user(slot);
  }
}
