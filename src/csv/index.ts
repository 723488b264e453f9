export { createCsvStringifier, unneutralise } from './create-csv-stringifier.ts';
export type { CsvLayout } from './create-csv-stringifier.ts';
