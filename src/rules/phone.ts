import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';
import { Metadata } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/min/metadata';

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
  if (region && /^\+\d+$/.test(text)) {
    const e164 = validE164ForRegion(text, region);
    if (e164) return { ok: true, e164 };
  }
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

/** The parts of libphonenumber-js's numbering plan the fast path reads (its JavaScript API). */
interface NumberingPlanApi {
  callingCode(): string;
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** What it takes to validate an E.164 number of a region without the full parse. */
interface RegionPlan {
  callingCode: string;
  nationalNumber: RegExp;
  nationalPrefix: RegExp | null;
  /** null when the region has no number types in the metadata: the national pattern decides. */
  types: { pattern: RegExp; lengths: number[] | undefined }[] | null;
}

// The types getNumberType tries, in its order; one match makes the number valid.
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];
const plans = new Map<string, RegionPlan | null>();

/**
 * The fast path of checkPhone: `+<calling code><national number>` of the row's own region, checked
 * against that region's patterns compiled once. libphonenumber-js compiles its regular expressions
 * on every call (about 20 µs a number, the largest cost of a subscriber row). The answer is the
 * library's own: the path is taken only where the library would pick this region (the main country
 * of its calling code, no leading-digit rule), strip no national prefix, and test the same
 * patterns; anything else (null) goes through the full parse. test/rules/phone.test.ts compares
 * both on random numbers.
 */
export function validE164ForRegion(text: string, region: CountryCode): string | null {
  let plan = plans.get(region);
  if (plan === undefined) {
    plan = regionPlan(region);
    plans.set(region, plan);
  }
  if (!plan || !text.startsWith(plan.callingCode, 1)) return null;
  const national = text.slice(1 + plan.callingCode.length);
  if (national.length < 2 || national.length > 17) return null;
  if (plan.nationalPrefix?.test(national)) return null;
  if (!plan.nationalNumber.test(national)) return null;
  if (plan.types) {
    const typed = plan.types.some(
      (t) => (!t.lengths || t.lengths.includes(national.length)) && t.pattern.test(national),
    );
    if (!typed) return null;
  }
  return text;
}

function regionPlan(region: CountryCode): RegionPlan | null {
  const metadata = new Metadata(metadataJson) as unknown as {
    selectNumberingPlan(country: string): void;
    numberingPlan: NumberingPlanApi;
    countryCallingCodes(): Record<string, string[]>;
  };
  metadata.selectNumberingPlan(region);
  const plan = metadata.numberingPlan;
  const callingCode = plan.callingCode();
  if (metadata.countryCallingCodes()[callingCode]?.[0] !== region || plan.leadingDigits())
    return null;
  const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
  const prefix = plan.nationalPrefixForParsing();
  let types: RegionPlan['types'] = null;
  if (plan.hasTypes()) {
    types = [];
    for (const name of NUMBER_TYPES) {
      const type = plan.type(name);
      const pattern = type?.pattern();
      if (type && pattern) types.push({ pattern: whole(pattern), lengths: type.possibleLengths() });
    }
  }
  return {
    callingCode,
    nationalNumber: whole(plan.nationalNumberPattern()),
    nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : null,
    types,
  };
}
