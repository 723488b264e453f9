export { runImport, importForRun } from './run-import.ts';
export type { ImportOptions, ImportReport } from './import-report.ts';
export { LOCALE_ENCODING } from './decode.ts';
export { decodeText, readCsv } from './text-stream.ts';
export { isCandidateName, READ_EXTENSIONS } from './pickup.ts';
export { writeTemplate } from './template.ts';
export { seedDemoInbox, DEMO_INBOX } from './seed-demo-inbox.ts';
