import { unneutralise } from '../csv/index.ts';
import {
  defaultIssue,
  hashDesired,
  refuses,
  type RowIssue,
  type RowRecord,
  type RunRules,
  type SubscriberDesired,
} from '../rules/index.ts';
import type { HeaderMap } from '../sheets/index.ts';
import type { StagedRow } from '../store/index.ts';
import type { SheetRow } from './sheet.ts';

/** A checked row: codes and parameters only, worded later for whoever reads them. */
export interface CheckedRow extends Omit<StagedRow, 'issues'> {
  issues: RowIssue[];
}

/** The sheet a batch comes from, and where a person finds its rows (knock-on refusals say it). */
export interface BatchSource {
  /** Worksheet name; '' for a text file. */
  name: string;
  map: HeaderMap;
  /** The file's identity for the rules (name and sha256): rows of one file, one key. */
  file: string;
  /** The sheet of a workbook, the name of a text file. */
  place: string;
}

/**
 * Checks a batch of one sheet's rows against the partner's run rules, in row order: each row's
 * issues (every one it has, as codes and parameters) and, when it is accepted, its desired state
 * as staging writes it. No I/O and no words; the run rules remember accepted rows (quotas, keys).
 */
export function checkBatch(
  batch: readonly SheetRow[],
  rules: RunRules,
  source: BatchSource,
): CheckedRow[] {
  const kind = source.map.kind;
  return batch.map((sheetRow): CheckedRow => {
    const { row } = sheetRow;
    const { record, cellIssues } = readRow(source.map.columns, sheetRow);
    const at = { file: source.file, row, place: source.place };
    const check =
      kind === 'customers' ? rules.checkCustomer(record, at) : rules.checkSubscriber(record, at);
    // Cells the workbook itself made untrustworthy speak for their column; the rules see them empty.
    const issues = cellIssues.length === 0 ? [...check.issues] : cellIssuesFirst(cellIssues, check);
    // LOCATION_DEFAULTED and PRECHECK_INFO inform; every other code refuses the row.
    const accepted = check.value !== null && !issues.some(refuses);
    if (accepted && 'defaults' in check) issues.push(...check.defaults.map(defaultIssue));
    let desired: StagedRow['desired'];
    if (accepted && check.value) {
      const doc =
        'meetings' in check && check.meetings
          ? { ...check.value, meetingsDialIn: check.meetings }
          : check.value;
      desired = { action: check.value.action, hash: hashDesired(doc), doc };
      if (kind === 'subscribers') {
        const sub = check.value as SubscriberDesired;
        desired.customerExternalId = sub.customerExternalId;
        desired.email = sub.email;
      }
    }
    return {
      sheet: source.name,
      row,
      kind: kind === 'customers' ? 'customer' : 'subscriber',
      entityKey: check.key,
      issues,
      ...(desired ? { desired } : {}),
    };
  });
}

/** A row's cell issues, then the rules' issues of the other columns. */
function cellIssuesFirst(cellIssues: RowIssue[], check: { issues: RowIssue[] }): RowIssue[] {
  const flagged = new Set(cellIssues.map((i) => i.column));
  return [...cellIssues, ...check.issues.filter((i) => !i.column || !flagged.has(i.column))];
}

/** Columns a spreadsheet damages when it stores them as numbers (VALUE_DAMAGED). */
const TEXT_ONLY_COLUMNS: ReadonlySet<string> = new Set(['phone_number', 'zip_or_postal_code']);

/** One row by canonical column (trimmed, NFKC), with the issues of cells a workbook made untrustworthy. */
function readRow(
  columns: (string | null)[],
  sheetRow: SheetRow,
): { record: RowRecord; cellIssues: RowIssue[] } {
  const record: Record<string, string> = {};
  const cellIssues: RowIssue[] = [];
  columns.forEach((canonical, i) => {
    if (!canonical) return;
    // A cell we neutralised in a results file the partner dropped back reads as the partner's.
    const value = unneutralise(sheetRow.cells[i] ?? '')
      .normalize('NFKC')
      .trim();
    const flag = sheetRow.cellFlags?.[i];
    if (flag) {
      cellIssues.push({ code: flag, column: canonical, value, params: { value } });
      record[canonical] = '';
    } else if (
      sheetRow.cellTypes?.[i] === 'number' &&
      TEXT_ONLY_COLUMNS.has(canonical) &&
      value !== ''
    ) {
      cellIssues.push({
        code: 'VALUE_DAMAGED',
        column: canonical,
        value,
        params: { value, damage: 'stored as a number' },
      });
      record[canonical] = '';
    } else {
      record[canonical] = value;
    }
  });
  return { record, cellIssues };
}
