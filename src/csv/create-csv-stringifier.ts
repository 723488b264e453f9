import { stringify, type Stringifier } from 'csv-stringify';

/** How a CSV is laid out: `,` with a UTF-8 BOM for reports; the partner's delimiter for results. */
export interface CsvLayout {
  delimiter: string;
  /** A UTF-8 BOM first, so Excel reads UTF-8 (Japanese); results files write their own BOM. */
  bom: boolean;
}

/**
 * The one way the program turns records (arrays of text) into CSV text, reports and results files
 * alike; a caller encodes the text and writes it. Records end in CRLF. A field holding a quote,
 * the delimiter, CR or LF is quoted: csv-stringify leaves a bare CR or LF unquoted once the record
 * delimiter is CRLF, so "Evil\n=HYPERLINK(…)" became a second record starting with a live formula
 * (issue #16). A field starting = + - @, tab or CR, or their full-width forms ＝＋－＠, gets a
 * leading apostrophe, so a spreadsheet shows it as text ('=1+1).
 */
export function createCsvStringifier(layout: CsvLayout): Stringifier {
  return stringify({
    delimiter: layout.delimiter,
    bom: layout.bom,
    record_delimiter: '\r\n',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

/** A field createCsvStringifier neutralised: an apostrophe before what a spreadsheet runs. */
const NEUTRALISED = /^'[=+\-@\t\r＝＋－＠]/;

/**
 * The partner's value of a field we neutralised: a results file dropped back with cells fixed
 * reads `'+81312345678` as +81312345678 again, not as a phone number refused for its apostrophe.
 */
export function unneutralise(field: string): string {
  return NEUTRALISED.test(field) ? field.slice(1) : field;
}
