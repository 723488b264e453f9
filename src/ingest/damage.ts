import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js';
import type { CellType } from './sheet.ts';

/** Columns whose text a spreadsheet damages when it takes them for numbers. */
export const NUMBER_LIKE_COLUMNS = ['phone_number', 'zip_or_postal_code', 'extension'] as const;

/** Excel keeps 15 significant digits: a longer run of digits was already rounded. */
export const EXCEL_DIGITS = 15;

const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?E[+-]?\d+$/i;
/** Countries whose postal codes are all digits of this length, so one digit short means a lost leading 0. */
const DIGIT_POSTAL_LENGTH: Readonly<Record<string, number>> = {
  US: 5,
  DE: 5,
  FR: 5,
  IT: 5,
  ES: 5,
  MX: 5,
  BR: 8,
  JP: 7,
  AU: 4,
  NZ: 4,
  SG: 6,
  IN: 6,
  AR: 4,
};

export type Damage =
  | 'stored as a number'
  | 'scientific notation'
  | 'more than 15 digits'
  | 'lost its leading +'
  | 'lost its leading 0';

/**
 * How a spreadsheet damaged a phone, extension or postal-code value, if it did (VALUE_DAMAGED).
 * `country` is the customer's, when known: it tells a lost `+` or `0` from a national format.
 */
export function detectDamage(
  column: string,
  value: string,
  cellType: CellType | undefined,
  country: string | null,
): Damage | null {
  if (!(NUMBER_LIKE_COLUMNS as readonly string[]).includes(column) || value === '') return null;
  if (SCIENTIFIC.test(value)) return 'scientific notation';
  const digits = value.replace(/\D/g, '');
  if (/^\+?[\d\s().-]+$/.test(value) && digits.length > EXCEL_DIGITS) return 'more than 15 digits';
  if (cellType === 'number' && column !== 'extension') return 'stored as a number';
  if (column === 'phone_number' && /^\d{8,15}$/.test(value) && country) {
    // A number that is no phone of its country but is one with a + in front lost that +.
    const region = country as CountryCode;
    if (!safeValid(value, region) && safeValid(`+${value}`)) return 'lost its leading +';
  }
  if (column === 'zip_or_postal_code' && country && /^\d+$/.test(value.replace('-', ''))) {
    const length = DIGIT_POSTAL_LENGTH[country];
    if (length !== undefined && value.replace('-', '').length === length - 1)
      return 'lost its leading 0';
  }
  return null;
}

function safeValid(value: string, region?: CountryCode): boolean {
  try {
    return isValidPhoneNumber(value, region);
  } catch {
    return false;
  }
}
