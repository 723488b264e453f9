import { ADDRESS_POLICIES, type AddressPolicy } from './data/address-policy.ts';
import { SUPPORTED_LANGUAGES } from './data/languages.ts';
import { ADDON_DEPENDENCIES, ADMIN_PACKAGE_RANK } from './data/package-policy.ts';
import { COUNTRY_TIME_ZONES } from './data/time-zones.ts';
import {
  COUNTRY_LOCATIONS,
  LOCATION_DIAL_IN,
  TELEPHONY_DOMAIN_DIAL_INS,
  type WebexLocation,
} from './data/webex-locations.ts';

/** The rule tables domain.md marks *policy*: every one can be replaced from configuration. */
export interface RulePolicy {
  /** R-ADDR-1: postal-code format and required fields per country. */
  addressPolicies: Readonly<Record<string, AddressPolicy>>;
  /** R-LANG-1: accepted language tags (case-insensitive). */
  supportedLanguages: readonly string[];
  /** R-CALL-1: time zones per country; one zone means a certain default. */
  countryTimeZones: Readonly<Record<string, readonly string[]>>;
  /** R-CALL-1: the location name used when a calling customer gives none and its name is too long. */
  fallbackLocationName: string;
  /** R-DIAL-1: country → Webex location. */
  countryLocations: Readonly<Record<string, WebexLocation>>;
  /** R-DIAL-1: each location's default call-in country code. */
  locationDialIn: Readonly<Record<WebexLocation, string>>;
  /** R-DIAL-1: the telephony domain's dial-in numbers per country. */
  telephonyDomainDialIns: Readonly<Record<string, readonly string[]>>;
  /** R-PKG-5: add-on → packages one of which it needs. */
  addonDependencies: Readonly<Record<string, readonly string[]>>;
  /** R-PKG-4: package rank; higher is more. Packages without a rank are not administrator levels. */
  adminPackageRank: Readonly<Record<string, number>>;
}

/** The shipped defaults (src/rules/data/, each file names its source). */
export const DEFAULT_POLICY: RulePolicy = Object.freeze({
  addressPolicies: ADDRESS_POLICIES,
  supportedLanguages: SUPPORTED_LANGUAGES,
  countryTimeZones: COUNTRY_TIME_ZONES,
  fallbackLocationName: 'Main',
  countryLocations: COUNTRY_LOCATIONS,
  locationDialIn: LOCATION_DIAL_IN,
  telephonyDomainDialIns: TELEPHONY_DOMAIN_DIAL_INS,
  addonDependencies: ADDON_DEPENDENCIES,
  adminPackageRank: ADMIN_PACKAGE_RANK,
});

/**
 * The defaults with an override applied. Each table given replaces the default table whole;
 * extend one with `{ ...DEFAULT_POLICY.addressPolicies, XX: … }`.
 */
export function resolvePolicy(override?: Partial<RulePolicy>): RulePolicy {
  if (!override) return DEFAULT_POLICY;
  const defined = Object.fromEntries(
    Object.entries(override).filter(([, value]) => value !== undefined),
  ) as Partial<RulePolicy>;
  return { ...DEFAULT_POLICY, ...defined };
}
