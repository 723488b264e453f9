// A run's rules remember every user a partner names: its package for R-PKG-3 and, per file, the
// row that named it first for DUPLICATE_ROW. Held as Maps of strings, a million users cost about
// 170 MB of peak RSS (the strings, two Maps of entries and the garbage collector's headroom over
// them); packed here in typed arrays, with the callers' columns, about 40 MB that the collector
// does not trace.

/** Typed arrays this table and its callers' columns grow by doubling. */
export type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array;

/** `column` with room for index `at`: the same array, or a copy twice as long (or longer). */
export function withRoom<T extends Column>(column: T, at: number): T {
  if (at < column.length) return column;
  let length = column.length * 2;
  while (length <= at) length *= 2;
  const copy = new (column.constructor as new (length: number) => T)(length);
  copy.set(column);
  return copy;
}

const INITIAL_USERS = 1024;

/**
 * The users of a run by customer and email, numbered 0, 1, 2… in the order first seen. Callers
 * keep what they know of a user in columns indexed by its number (QuotaBook, DUPLICATE_ROW).
 * Emails are compared exactly, as given: callers fold case first. Nothing is ever removed.
 */
export class UserKeys {
  readonly #customers = new Map<string, number>();
  #count = 0;
  /** The emails' characters, one byte each below U+00FF, else 0xFF and two bytes. */
  #bytes = new Uint8Array(INITIAL_USERS * 32);
  /** User n's email is #bytes[#starts[n]] up to #starts[n + 1]. */
  #starts = new Uint32Array(INITIAL_USERS + 1);
  #customerOf = new Int32Array(INITIAL_USERS);
  #hashes = new Int32Array(INITIAL_USERS);
  /** Open addressing, linear probing: user number + 1, or 0 for a free place. */
  #table = new Int32Array(INITIAL_USERS * 2);

  /** Users numbered so far. */
  get size(): number {
    return this.#count;
  }

  /** The user's number, or -1 when it was never added. */
  find(customer: string, email: string): number {
    const c = this.#customers.get(customer);
    if (c === undefined) return -1;
    const place = this.#place(c, email, hashOf(c, email));
    return place >= 0 ? (this.#table[place] as number) - 1 : -1;
  }

  /** The user's number, given now when it is new. */
  add(customer: string, email: string): number {
    let c = this.#customers.get(customer);
    if (c === undefined) this.#customers.set(customer, (c = this.#customers.size));
    const hash = hashOf(c, email);
    const place = this.#place(c, email, hash);
    if (place >= 0) return (this.#table[place] as number) - 1;
    const n = this.#count++;
    this.#customerOf = withRoom(this.#customerOf, n);
    this.#hashes = withRoom(this.#hashes, n);
    this.#starts = withRoom(this.#starts, n + 1);
    this.#customerOf[n] = c;
    this.#hashes[n] = hash;
    this.#starts[n + 1] = this.#write(email, this.#starts[n] as number);
    this.#table[~place] = n + 1;
    if (this.#count * 4 > this.#table.length * 3) this.#rehash();
    return n;
  }

  /** Where the user sits in #table (≥ 0), or ~(the free place it would take). */
  #place(c: number, email: string, hash: number): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = table[i] as number;
      if (entry === 0) return ~i;
      const n = entry - 1;
      if (this.#hashes[n] === hash && this.#customerOf[n] === c && this.#holds(n, email)) return i;
    }
  }

  #holds(n: number, email: string): boolean {
    const bytes = this.#bytes;
    let at = this.#starts[n] as number;
    const end = this.#starts[n + 1] as number;
    for (let k = 0; k < email.length; k++) {
      const code = email.charCodeAt(k);
      if (code < 0xff) {
        if (at >= end || bytes[at++] !== code) return false;
      } else {
        if (at + 3 > end || bytes[at] !== 0xff) return false;
        if (bytes[at + 1] !== code >> 8 || bytes[at + 2] !== (code & 0xff)) return false;
        at += 3;
      }
    }
    return at === end;
  }

  /** Writes the email's characters from `at`; returns where they end. */
  #write(email: string, at: number): number {
    this.#bytes = withRoom(this.#bytes, at + email.length * 3);
    const bytes = this.#bytes;
    for (let k = 0; k < email.length; k++) {
      const code = email.charCodeAt(k);
      if (code < 0xff) bytes[at++] = code;
      else {
        bytes[at++] = 0xff;
        bytes[at++] = code >> 8;
        bytes[at++] = code & 0xff;
      }
    }
    return at;
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let n = 0; n < this.#count; n++) {
      let i = (this.#hashes[n] as number) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = n + 1;
    }
    this.#table = table;
  }
}

/** FNV-1a over the customer's number and the email's UTF-16 units, then MurmurHash3's finaliser. */
function hashOf(customer: number, email: string): number {
  let h = Math.imul(0x811c9dc5 ^ customer, 0x01000193);
  for (let k = 0; k < email.length; k++) h = Math.imul(h ^ email.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
