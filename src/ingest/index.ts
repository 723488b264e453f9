export { runImport } from './run-import.ts';
export { writeResultsFiles, resultsFileName, RESULT_COLUMNS } from './results.ts';
export { decodeText, LOCALE_ENCODING } from './decode.ts';
export { readCsv } from './read-csv.ts';
export { isCandidateName, READ_EXTENSIONS } from './pickup.ts';
export {
  canonicalColumn,
  columnLabel,
  foldHeader,
  mapHeaderRow,
  recogniseHeader,
  CUSTOMER_COLUMNS,
  SUBSCRIBER_COLUMNS,
} from './headers.ts';
export type { SheetKind } from './headers.ts';
export { writeTemplate } from './template.ts';
