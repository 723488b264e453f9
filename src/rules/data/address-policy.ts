// R-ADDR-1 per-country address policy (domain.md §5, *policy*: overridable through RuleContext).
// Sources: postal-code formats as each country's postal operator defines them (summarised by the
// Universal Postal Union's "Postal addressing systems in member countries" pages, upu.int);
// whether Webex needs a field from the Wholesale API guide ("stateOrProvince / zipOrPostalCode:
// mandatory for some geographic locations") and the Webex Calling location API, which needs the
// state and postal code of an emergency address where the country uses them.

/**
 * When a field must be filled in:
 * `always` on every customer; `calling` when the customer has a calling package (its billing
 * address is then its calling location address, contract §3); `optional` never.
 */
export type FieldRequirement = 'always' | 'calling' | 'optional';

/** How one country writes an address. */
export interface AddressPolicy {
  /** Anchored pattern a postal code must match; null when the country has no format we check. */
  postalCode: RegExp | null;
  /** An example of a correct postal code, shown in messages. */
  postalExample: string | null;
  postalRequired: FieldRequirement;
  stateRequired: FieldRequirement;
}

const calling = (postalCode: RegExp, postalExample: string, state: boolean): AddressPolicy => ({
  postalCode,
  postalExample,
  postalRequired: 'calling',
  stateRequired: state ? 'calling' : 'optional',
});

/**
 * Countries our partners use most. Billing-only (Meetings) customers are accepted without state
 * and postal code, as Webex accepts them; set `always` here to require them everywhere.
 */
export const ADDRESS_POLICIES: Readonly<Record<string, AddressPolicy>> = {
  US: calling(/^\d{5}(-\d{4})?$/, '94105', true),
  CA: calling(/^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, 'M5J 2N8', true),
  MX: calling(/^\d{5}$/, '06600', true),
  BR: calling(/^\d{5}-?\d{3}$/, '01310-100', true),
  AR: calling(/^([A-HJ-NP-Z]\d{4}[A-Z]{3}|\d{4})$/i, 'C1002AAR', true),
  GB: calling(/^([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA)$/i, 'SW1A 1AA', false),
  DE: calling(/^\d{5}$/, '10115', false),
  FR: calling(/^\d{5}$/, '75001', false),
  ES: calling(/^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, '28013', false),
  IT: calling(/^\d{5}$/, '00184', false),
  NL: calling(/^[1-9]\d{3} ?[A-Z]{2}$/i, '1012 JS', false),
  JP: calling(/^\d{3}-?\d{4}$/, '100-0005', true),
  AU: calling(/^\d{4}$/, '2000', true),
  NZ: calling(/^\d{4}$/, '6011', false),
  SG: calling(/^\d{6}$/, '018956', false),
  IN: calling(/^[1-9]\d{2} ?\d{3}$/, '110001', true),
  // Further European and Asian formats, checked when given.
  AT: calling(/^\d{4}$/, '1010', false),
  BE: calling(/^[1-9]\d{3}$/, '1000', false),
  CH: calling(/^[1-9]\d{3}$/, '8001', false),
  DK: calling(/^\d{4}$/, '1050', false),
  IE: {
    postalCode: /^[AC-FHKNPRTV-Y](\d{2}|6W)( ?[AC-FHKNPRTV-Y\d]{4})?$/i,
    postalExample: 'D02 X285',
    postalRequired: 'optional', // many Irish addresses are written without an Eircode
    stateRequired: 'optional',
  },
  NO: calling(/^\d{4}$/, '0150', false),
  PL: calling(/^\d{2}-\d{3}$/, '00-001', false),
  PT: calling(/^\d{4}-\d{3}$/, '1100-148', false),
  SE: calling(/^\d{3} ?\d{2}$/, '111 22', false),
  FI: calling(/^\d{5}$/, '00100', false),
  KR: calling(/^\d{5}$/, '04524', false),
  CN: calling(/^\d{6}$/, '100000', true),
  ZA: calling(/^\d{4}$/, '2000', false),
};

/** Countries not in the table: no format is checked and nothing beyond R-ADDR-1's minimum is required. */
export const DEFAULT_ADDRESS_POLICY: AddressPolicy = {
  postalCode: null,
  postalExample: null,
  postalRequired: 'optional',
  stateRequired: 'optional',
};
