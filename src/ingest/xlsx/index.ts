export {
  readWorkbook,
  readWorkbookInBatches,
  WORKBOOK_LIMITS,
  type WorkbookLimits,
  type WorkbookOutcome,
  type WorkbookSink,
} from './read-workbook.ts';
export type { SheetHead } from './sheet-collector.ts';
export { columnLetters } from './merge-cells.ts';
