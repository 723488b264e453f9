import { SaxesParser } from 'saxes';
import { localName } from './xml-text.ts';

// Excel stores every distinct text once, in xl/sharedStrings.xml, and cells point to it by index.
// exceljs caches that table as an array of strings, each a slice that pins the chunk of XML it was
// cut from: 3 million strings took 222 MB. Packed into long strings with offsets they took a third,
// but on the worker's heap, which the garbage collector let grow to twice what it held. Packed into
// buffers they are outside the heap: with a 1M-row workbook's 4M strings, the worker's heap went
// from about 200 MB to 75 MB.

const SEGMENT_BITS = 14;
const SEGMENT = 1 << SEGMENT_BITS;

/** The shared-string table, packed: `push` adds the next entry's text, `at` gives it back. */
export class PackedStrings {
  /** Each segment's characters: one byte each (latin1) or, when one is above U+00FF, UTF-16. */
  private readonly segments: Buffer[] = [];
  private readonly wide: boolean[] = [];
  /** Each segment's strings' start and end, in characters. */
  private readonly offsets: Uint32Array[] = [];
  private pending: string[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(text: string): number {
    this.pending.push(text);
    this.count++;
    if (this.pending.length === SEGMENT) this.seal();
    return this.count;
  }

  /** Packs what is pending; call once the table is read, before any lookup. */
  finish(): void {
    if (this.pending.length) this.seal();
  }

  at(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
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
 * The text of one string item (CT_Rst: an <si> of the shared strings, an <is> of a cell): its <t>,
 * or the <t>s of its runs of rich text, joined. Phonetic readings (<rPh>, the furigana Japanese
 * Excel stores beside text typed through an IME) are not the cell's text and are left out: exceljs
 * kept the last <t> of an item, so 山田 read as its reading ヤマダ. Excel's escapes of characters XML
 * cannot hold (_x000D_) are undone, as Excel does. Fed the item's elements by local name.
 */
export class StringItem {
  private inText = false;
  private phonetic = 0;
  private text = '';

  open(name: string): void {
    if (name === 't') this.inText = this.phonetic === 0;
    else if (name === 'rPh') this.phonetic++;
  }

  close(name: string): void {
    if (name === 't') this.inText = false;
    else if (name === 'rPh') this.phonetic--;
  }

  /** Character data (text or CDATA) inside the item. */
  add(chars: string): void {
    if (this.inText) this.text += chars;
  }

  /** The item's text; the collector starts over for the next item. */
  take(): string {
    const text = this.text.includes('_x') ? unescapeXstring(this.text) : this.text;
    this.inText = false;
    this.phonetic = 0;
    this.text = '';
    return text;
  }
}

/**
 * Reads xl/sharedStrings.xml into `table`, one entry per <si>, its text as StringItem reads it.
 * Elements are matched by local name, whatever prefix. An error of the XML (an undefined entity, a
 * tag left open) throws.
 */
export async function readSharedStrings(
  xml: AsyncIterable<string>,
  table: PackedStrings,
): Promise<void> {
  const parser = new SaxesParser();
  const item = new StringItem();
  let inItem = false;
  // StringItem keeps only the text of a <t> it was told of: only an item's <t>s are.
  parser.on('text', (chars) => item.add(chars));
  parser.on('cdata', (chars) => item.add(chars));
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'si') inItem = true;
    else if (inItem) item.open(name);
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name !== 'si') {
      if (inItem) item.close(name);
      return;
    }
    table.push(item.take());
    inItem = false;
  });
  for await (const chunk of xml) parser.write(chunk);
  parser.close();
  table.finish();
}

/** ECMA-376's ST_Xstring escapes: _x000D_ is a carriage return, _x005F_ the underscore itself. */
export function unescapeXstring(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}
