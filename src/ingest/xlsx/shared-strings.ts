// Excel stores every distinct text once, in xl/sharedStrings.xml, and cells point to it by index.
// exceljs caches that table as an array of strings, each a slice that pins the chunk of XML it was
// cut from: 3 million strings took 222 MB. Packed into long strings with offsets they took a third,
// but on the worker's heap, which the garbage collector let grow to twice what it held. Packed into
// buffers they are outside the heap: with a 1M-row workbook's 4M strings, the worker's heap went
// from about 200 MB to 75 MB.

const SEGMENT_BITS = 14;
const SEGMENT = 1 << SEGMENT_BITS;

/** The shared-string table, packed; `push` takes what exceljs's parser pushes, `at` gives it back. */
export class PackedStrings {
  /** Each segment's characters: one byte each (latin1) or, when one is above U+00FF, UTF-16. */
  private readonly segments: Buffer[] = [];
  private readonly wide: boolean[] = [];
  /** Each segment's strings' start and end, in characters. */
  private readonly offsets: Uint32Array[] = [];
  private pending: string[] = [];
  /** Entries that are not plain strings: rich text objects, and null for an empty entry. */
  private readonly others = new Map<number, unknown>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: unknown): number {
    if (typeof value === 'string') this.pending.push(value);
    else {
      this.others.set(this.count, value ?? null);
      this.pending.push('');
    }
    this.count++;
    if (this.pending.length === SEGMENT) this.seal();
    return this.count;
  }

  /** Packs what is pending; call once the table is read, before any lookup. */
  finish(): void {
    if (this.pending.length) this.seal();
  }

  at(index: number): unknown {
    if (!(index >= 0 && index < this.count)) return undefined;
    if (this.others.size && this.others.has(index)) return this.others.get(index);
    const segment = index >>> SEGMENT_BITS;
    const offsets = this.offsets[segment] as Uint32Array;
    const at = index & (SEGMENT - 1);
    const start = offsets[at] as number;
    const end = offsets[at + 1] as number;
    const bytes = this.segments[segment] as Buffer;
    // utf16le keeps a lone surrogate as it is: the text comes back exactly as exceljs parsed it.
    return this.wide[segment]
      ? bytes.toString('utf16le', start * 2, end * 2)
      : bytes.toString('latin1', start, end);
  }

  private seal(): void {
    const offsets = new Uint32Array(this.pending.length + 1);
    let end = 0;
    this.pending.forEach((text, i) => (offsets[i + 1] = end += text.length));
    // The slices, and the XML chunks they pinned, can go once their characters are copied.
    const text = this.pending.join('');
    const wide = /[\u0100-\uffff]/.test(text);
    this.segments.push(Buffer.from(text, wide ? 'utf16le' : 'latin1'));
    this.wide.push(wide);
    this.offsets.push(offsets);
    this.pending = [];
  }
}

/**
 * Puts a packed table where exceljs's streaming reader keeps its shared strings: the parser's
 * `this.sharedStrings = []` is ignored, its pushes land in the table, and the worksheet reader's
 * `sharedStrings[index]` is answered from it.
 */
export function installPackedStrings(reader: object): PackedStrings {
  const table = new PackedStrings();
  const view = new Proxy(table, {
    get(target, key) {
      if (key === 'push') return (value: unknown) => target.push(value);
      if (key === 'length') return target.length;
      return typeof key === 'string' ? target.at(Number(key)) : undefined;
    },
  });
  Object.defineProperty(reader, 'sharedStrings', {
    configurable: true,
    get: () => view,
    set: () => {},
  });
  return table;
}
