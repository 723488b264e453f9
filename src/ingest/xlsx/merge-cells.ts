// Merged cells are declared after the rows in a worksheet's XML (<mergeCells> follows <sheetData>),
// and the worksheet reader has handed over every row by then. We find them in a light pass over the unpacked XML
// before the rows are read, so that every row can be flagged as it streams past.

/** A rectangle of cells, 1-based and inclusive. */
export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Column letters to number: A → 1, AA → 27. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Column number to letters: 1 → A, 27 → AA. */
export function columnLetters(n: number): string {
  let letters = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26))
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

/** "B3:D4" (or "$B$3:$D$4") as a range; null when it is not a two-cell reference. */
export function parseRange(ref: string): CellRange | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref.trim());
  if (!m) return null;
  const [, l = '', t = '', r = '', b = ''] = m;
  const a = { col: columnNumber(l), row: Number(t) };
  const z = { col: columnNumber(r), row: Number(b) };
  return {
    top: Math.min(a.row, z.row),
    left: Math.min(a.col, z.col),
    bottom: Math.max(a.row, z.row),
    right: Math.max(a.col, z.col),
  };
}

const START = Buffer.from('<mergeCell');
const MERGE_CELL = /<mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']/g;

/** Collects the `<mergeCell ref="…">` ranges of one worksheet's XML, chunk by chunk. */
export class MergeScanner {
  readonly ranges: CellRange[] = [];
  private carry = Buffer.alloc(0);
  private inside = false;
  private done = false;
  private pending = '';

  feed(chunk: Buffer): void {
    if (this.done) return;
    if (!this.inside) {
      // Any `<` in cell text is escaped as &lt;, so the bytes `<mergeCell` can only be markup.
      const joined = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
      const at = joined.indexOf(START);
      if (at < 0) {
        this.carry = Buffer.from(joined.subarray(Math.max(0, joined.length - START.length + 1)));
        return;
      }
      this.inside = true;
      this.pending = joined.toString('latin1', at);
    } else {
      this.pending += chunk.toString('latin1');
    }
    this.parse();
  }

  private parse(): void {
    const open = this.pending.lastIndexOf('<');
    const complete = open >= 0 && this.pending.indexOf('>', open) < 0 ? open : this.pending.length;
    const text = this.pending.slice(0, complete);
    for (const m of text.matchAll(MERGE_CELL)) {
      const range = parseRange(m[1] ?? '');
      if (range && (range.top !== range.bottom || range.left !== range.right))
        this.ranges.push(range);
    }
    if (text.includes('</mergeCells>')) {
      this.done = true;
      this.pending = '';
    } else {
      this.pending = this.pending.slice(complete);
    }
  }
}

/** Answers which merged ranges cover a row; rows are asked in ascending order, as a sheet streams. */
export class MergeIndex {
  private readonly byTop: CellRange[];
  private next = 0;
  private active: CellRange[] = [];
  private lastRow = 0;

  constructor(ranges: readonly CellRange[]) {
    this.byTop = [...ranges].sort((a, b) => a.top - b.top);
  }

  get size(): number {
    return this.byTop.length;
  }

  at(row: number): readonly CellRange[] {
    if (this.byTop.length === 0) return this.active;
    if (row < this.lastRow) {
      // Rows out of order (legal, if rare): start the sweep again.
      this.next = 0;
      this.active = [];
    }
    this.lastRow = row;
    while (this.next < this.byTop.length && (this.byTop[this.next] as CellRange).top <= row)
      this.active.push(this.byTop[this.next++] as CellRange);
    if (this.active.some((r) => r.bottom < row))
      this.active = this.active.filter((r) => r.bottom >= row);
    return this.active;
  }
}
