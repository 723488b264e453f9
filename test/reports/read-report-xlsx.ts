import path from 'node:path';
import ExcelJS from 'exceljs';

/** The sheets every report.xlsx has, in order; a run with dial-in lines or a plan adds more after them. */
export const REPORT_SHEETS = [
  'Summary',
  'Partners',
  'Files',
  'Issues',
  'Changes',
  'Reconciliation',
  'RPL',
  'Candidates',
] as const;

/** The report.xlsx in a run's report folder, read back. */
export async function readReportXlsx(dir: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, 'report.xlsx'));
  return wb;
}
