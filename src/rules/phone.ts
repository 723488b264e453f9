import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';

/** How a spreadsheet damaged a value (the same words as src/ingest's damage check). */
export type Damage =
  | 'stored as a number'
  | 'scientific notation'
  | 'more than 15 digits'
  | 'lost its leading +'
  | 'lost its leading 0';

/** Why a phone cell is refused: a wrong number, or a number a spreadsheet has damaged. */
export type PhoneProblem =
  | { code: 'INVALID_PHONE'; callingCode: string | null }
  | { code: 'VALUE_DAMAGED'; damage: Damage; suggestion: string | null };

/** A phone cell as E.164, or the problem. */
export type PhoneCheck = { ok: true; e164: string } | ({ ok: false } & PhoneProblem);

/** E.164 has at most 15 digits (ITU-T E.164 §6). */
const MAX_DIGITS = 15;

/**
 * R-CALL-1: a phone number in E.164 (`+18285550101`), or a national number of the customer's
 * country (`(828) 555-0101` for US), which is returned in E.164. Without a country only the
 * international form is accepted.
 */
export function checkPhone(value: string, country?: string): PhoneCheck {
  const text = value.trim();
  const region = country && isSupportedCountry(country) ? (country as CountryCode) : undefined;
  const callingCode = region ? `+${getCountryCallingCode(region)}` : null;
  const digits = text.replace(/\D/g, '');
  if (/^\+?\d+([.,]\d+)?e\+?\d+$/i.test(text))
    return { ok: false, code: 'VALUE_DAMAGED', damage: 'scientific notation', suggestion: null };
  if (/^\+?\d+\.0+$/.test(text)) {
    const repaired = checkPhone(text.replace(/\.0+$/, ''), country);
    return {
      ok: false,
      code: 'VALUE_DAMAGED',
      damage: 'stored as a number',
      suggestion: repaired.ok ? repaired.e164 : null,
    };
  }
  if (digits.length > MAX_DIGITS)
    return { ok: false, code: 'VALUE_DAMAGED', damage: 'more than 15 digits', suggestion: null };
  const parsed = /^[+\d(]/.test(text) ? parsePhoneNumberFromString(text, region) : undefined;
  if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  if (!text.startsWith('+') && /^[\d\s().-]+$/.test(text)) {
    // A spreadsheet that read the number as a number drops its leading +
    const withPlus = parsePhoneNumberFromString(`+${digits}`);
    if (withPlus?.isValid())
      return {
        ok: false,
        code: 'VALUE_DAMAGED',
        damage: 'lost its leading +',
        suggestion: withPlus.number,
      };
  }
  return { ok: false, code: 'INVALID_PHONE', callingCode };
}

/** A Webex Calling extension: 2 to 10 digits. */
export function isExtension(value: string): boolean {
  return /^\d{2,10}$/.test(value.trim());
}
