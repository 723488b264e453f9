import type { Locale } from '../config/index.ts';
import { describeReconcileLine, labelsFor } from './labels.ts';
import type { ReconcileLine } from './report-input.ts';
import { writeReportCsv } from './write-report-csv.ts';

/** The localized header of reconciliation.csv. */
export function reconciliationColumns(locale: Locale): string[] {
  const l = labelsFor(locale);
  return [l.partner, l.entity, l.reconcileKey, l.webexId, l.category, l.detail];
}

/** One line as a CSV record: the category as its summary key (a code), the detail in the locale. */
export function reconciliationCsvRow(line: ReconcileLine, locale: Locale): string[] {
  const l = labelsFor(locale);
  return [
    line.partner,
    l.entityName[line.entity],
    line.key,
    line.webexId ?? '',
    line.category,
    describeReconcileLine(line, l),
  ];
}

/** Writes reconciliation.csv, streamed, formulas neutralised (partner and Webex text is data). */
export async function writeReconciliationCsv(
  target: string,
  lines: Iterable<ReconcileLine> | AsyncIterable<ReconcileLine>,
  locale: Locale,
): Promise<void> {
  async function* records(): AsyncGenerator<string[]> {
    yield reconciliationColumns(locale);
    for await (const line of lines) yield reconciliationCsvRow(line, locale);
  }
  await writeReportCsv(target, records());
}
