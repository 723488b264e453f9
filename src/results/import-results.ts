import { promises as fs } from 'node:fs';
import path from 'node:path';
import { partnerConfig, type Locale } from '../config/index.ts';
import { syncFile } from '../reports/index.ts';
import type { RowResult, StagedRow } from '../store/index.ts';
import { sheetLocale } from '../sheets/index.ts';
import {
  CsvResultsWriter,
  resultLabels,
  logResultsWritten,
  resultsFileName,
  type ResultsContext,
} from './write-results-files.ts';
import { XlsxResultsWriter } from './results-xlsx.ts';
import type { SheetRow } from '../ingest/sheet.ts';
import type { CsvBatch, TextEncoding, TextHeader } from '../ingest/text-stream.ts';
import type { SheetHead } from '../ingest/xlsx/index.ts';

/**
 * The results file of a file being imported, written in the same pass that reads and checks its
 * rows (contract §2): reading a million-row file a second time only to write its results took
 * about as long as the import itself. It is written under a temporary name in the partner's outbox
 * and takes its own name once the file's rows are committed; a file refused half-way leaves
 * nothing behind. Rewrites after provisioning still go through writeResultsFiles,
 * which writes the same bytes from the ledger and the archived copy.
 */
export class ImportResults {
  private abandoned = false;

  private constructor(
    private readonly tmp: string,
    private readonly target: string,
    private readonly writer: CsvResultsWriter | XlsxResultsWriter,
    private readonly partner: { locale: Locale; localeConfigured: boolean },
    private readonly said: () => void,
  ) {}

  /**
   * Opens the results file of `name` (the partner's file name) in outbox/<partner>/; `claimed` is
   * the path the file was claimed under, whose name (the name it is archived under) stands in for
   * an unsafe partner name.
   */
  static async open(
    ctx: ResultsContext,
    partner: string,
    file: { name: string; claimed: string },
    source: { format: 'csv' | 'xlsx'; text?: { encoding: TextEncoding; header: TextHeader } },
  ): Promise<ImportResults> {
    const settings = partnerConfig(ctx.config, partner);
    // A text file's language is its header's (sheetLocale); a workbook's, each sheet's.
    const locale: Locale = source.text
      ? sheetLocale(settings, source.text.header.header)
      : settings.locale;
    const dir = path.join(ctx.config.home, 'outbox', partner);
    await fs.mkdir(dir, { recursive: true });
    const target = path.join(dir, resultsFileName(file.name, file.claimed, source.format));
    const tmp = `${target}.${process.pid}.tmp`;
    await fs.rm(tmp, { force: true }); // a crash's leftover (rm removes a link, never its target)
    let writer: CsvResultsWriter | XlsxResultsWriter;
    if (source.text) {
      const { encoding, header } = source.text;
      writer = await CsvResultsWriter.open(
        tmp,
        {
          encoding: encoding.name,
          delimiter: header.delimiter,
          headerRow: header.headerIndex + 1,
          sep: header.sepLine,
        },
        locale,
      );
    } else {
      writer = await XlsxResultsWriter.open(tmp, resultLabels(locale));
    }
    return new ImportResults(tmp, target, writer, settings, () =>
      logResultsWritten(ctx, partner, target),
    );
  }

  /**
   * A batch of a text file's records, written in record order: its data rows, each with its checked
   * outcome (`staged[i]` is the outcome of `batch.rows[i]`), and the records between them.
   */
  async csv(batch: CsvBatch, staged: readonly StagedRow[]): Promise<void> {
    if (this.abandoned) return;
    const writer = this.writer as CsvResultsWriter;
    const { rows, others } = batch;
    let next = 0;
    for (let i = 0; i < rows.length; i += 1) {
      const { row, cells } = rows[i] as SheetRow;
      for (; next < others.length && (others[next] as SheetRow).row < row; next += 1) {
        const other = others[next] as SheetRow;
        await writer.record(other.row, other.cells, undefined);
      }
      const checked = staged[i];
      await writer.record(row, cells, checked && rowResultOf(checked));
    }
    for (; next < others.length; next += 1) {
      const other = others[next] as SheetRow;
      await writer.record(other.row, other.cells, undefined);
    }
  }

  /** A workbook sheet starts (its rows follow with rows()). */
  sheet(head: SheetHead): void {
    if (this.abandoned) return;
    (this.writer as XlsxResultsWriter).sheet(
      head,
      resultLabels(sheetLocale(this.partner, head.header)),
    );
  }

  /** A batch of the current sheet's data rows, in row order, with their checked outcome. */
  async rows(batch: readonly SheetRow[], staged: readonly StagedRow[]): Promise<void> {
    if (this.abandoned) return;
    const results = resultsByRow(staged);
    await (this.writer as XlsxResultsWriter).rows(batch, (row) => results.get(row));
  }

  /**
   * The rows will not come in the order the file holds them (a workbook whose subscribers sheet
   * waits for a later customers sheet): the partial file is removed, and the caller writes the
   * results from the ledger once the file is committed.
   */
  async abandon(): Promise<void> {
    if (this.abandoned) return;
    this.abandoned = true;
    if (this.writer instanceof CsvResultsWriter) await this.writer.abort();
    else await this.writer.end().catch(() => undefined);
    await fs.rm(this.tmp, { force: true });
  }

  /**
   * Completes the file and gives it its name, now that the source's rows are committed. Returns
   * false when the results were abandoned and are still to be written.
   */
  async finish(): Promise<boolean> {
    if (this.abandoned) return false;
    try {
      await this.writer.end();
      await syncFile(this.tmp);
      await fs.rename(this.tmp, this.target);
      this.said();
      return true;
    } finally {
      await fs.rm(this.tmp, { force: true });
    }
  }
}

/** What an unfinished results file is named: `<results name>.<pid>.tmp`. */
const UNFINISHED = /\.results\.(csv|xlsx)\.\d+\.tmp$/;

/**
 * Removes the unfinished results files a run stopped half-way (killed, or the machine went down)
 * left in outbox/<partner>/, so a partner never takes one for an answer. Called under the run lock,
 * where no other run is writing one; returns how many were removed. Links are removed, never
 * followed.
 */
export async function removeStaleResults(home: string, partner: string): Promise<number> {
  const dir = path.join(home, 'outbox', partner);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names.filter((n) => UNFINISHED.test(n))) {
    const file = path.join(dir, name);
    const st = await fs.lstat(file).catch(() => null);
    if (!st || st.isDirectory()) continue;
    await fs.rm(file, { force: true });
    removed += 1;
  }
  return removed;
}

/**
 * A checked row as the ledger gives it back to a results file before provisioning: its outcome,
 * and its issues' codes, values and columns in the order they were staged.
 */
export function rowResultOf(r: StagedRow): RowResult {
  return {
    sheet: r.sheet,
    row: r.row,
    kind: r.kind,
    outcome: r.desired ? 'accepted' : 'rejected',
    result: null,
    webexId: null,
    issues: r.issues,
  };
}

function resultsByRow(staged: readonly StagedRow[]): Map<number, RowResult> {
  const byRow = new Map<number, RowResult>();
  for (const r of staged) byRow.set(r.row, rowResultOf(r));
  return byRow;
}
