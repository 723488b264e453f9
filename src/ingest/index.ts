export { runImport } from './run-import.ts';
export { writeResultsFiles, resultsFileName, RESULT_COLUMNS } from './results.ts';
export { rewriteResultsFiles } from './rewrite-results-files.ts';
export { LOCALE_ENCODING } from './decode.ts';
export { decodeText, readCsv } from './text-stream.ts';
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
export { seedDemoInbox, DEMO_INBOX } from './seed-demo-inbox.ts';
