/**
 * Pure validation rules of domain.md, applied to every staged row (issue 5). No I/O, no clock.
 *
 * One partner's run is wired in one place, the import:
 *
 * ```ts
 * // once per partner per run, before its first sheet:
 * const rules = createRunRules(
 *   { locale, provisioningId: settings.provisioningId, addonsEnabled: settings.addons },
 *   { customers: await loadCustomers(db, partner), subscribers: await loadSubscribers(db, partner) },
 * );
 * // then every row, customer sheets before subscriber sheets, each sheet in row order:
 * const at = { file: candidate.name, row };
 * const v = kind === 'customers' ? rules.checkCustomer(record, at) : rules.checkSubscriber(record, at);
 * ```
 *
 * - `createRunRules(ctx: RuleContext, seed?: LedgerSeed): RunRules`. The seed is the partner's
 *   ledger: store `CustomerRow`s and `SubscriberRow`s fit `LedgerCustomer` / `LedgerSubscriber`
 *   as they are (rows with `desiredAction: 'delete'` are skipped). It seeds the QuotaBook with
 *   each customer's `desired.limits` and each user's `desired.package`, and knows each customer's
 *   packages and country (the region for national phone numbers).
 * - `checkCustomer(row: RowRecord, at: RowSource): CustomerCheck` →
 *   `{ value: CustomerDesired | null, issues: RowIssue[], key: string | null,
 *      defaults: DefaultNote[], meetings: MeetingsDialIn | null }`.
 * - `checkSubscriber(row: RowRecord, at: RowSource): SubscriberCheck` →
 *   `{ value: SubscriberDesired | null, issues: RowIssue[], key: string | null }`.
 * - `value` is null exactly when `issues` is not empty; an accepted row is applied to the run's
 *   state at once (quota seats, limits, customers), a refused one changes nothing. `key` is the
 *   entity key (`externalId`, or `customer/email` in lower case).
 * - Issues are codes and parameters; src/results renders them in the partner's words
 *   (`renderRowMessage`). A row is refused when `issues.some(refuses)`: LOCATION_DEFAULTED and
 *   PRECHECK_INFO only inform.
 * - R-CALL-1 defaults: add `check.defaults.map(defaultIssue)` to an accepted row's issues, and one
 *   defaults note per file to the summary notes (results' `renderDefaultsNote`).
 * - Remote precheck (partner `precheck: true`) is not a rule: it calls Webex, so it lives in
 *   src/ingest/precheck.ts and runs once per partner after its rows are checked, before staging.
 *
 * `createRunRules` replaces the import's own DUPLICATE_ROW, UNKNOWN_CUSTOMER and
 * CUSTOMER_REJECTED checks and its ledger look-up of known customers. `validateCustomerRow` and
 * `validateSubscriberRow` remain for the row-local rules alone.
 */
export {
  validateCustomerRow,
  validateSubscriberRow,
  parseBoolean,
  MAX_ADDRESS_LINE,
  MAX_LOCATION_NAME,
  CUSTOMER_REQUIRED,
  SUBSCRIBER_REQUIRED,
} from './validate-row.ts';
export {
  createRunRules,
  type RunRules,
  type RowSource,
  type LedgerSeed,
  type LedgerCustomer,
  type LedgerSubscriber,
  type CustomerCheck,
  type SubscriberCheck,
} from './run-rules.ts';
export { QuotaBook, type QuotaRefusal } from './quota-book.ts';
export {
  CUSTOMER_PACKAGES,
  SUBSCRIBER_PACKAGES,
  CALLING_PACKAGES,
  resolvePackage,
  splitPackageList,
} from './packages.ts';
export {
  checkCountry,
  countryName,
  isCountryCode,
  suggestCountry,
  type CountryCheck,
} from './country.ts';
export { COUNTRY_CODES } from './data/countries.ts';
export { checkLanguage, type LanguageCheck } from './language.ts';
export { checkTimeZone, certainTimeZone, type TimeZoneCheck } from './time-zone.ts';
export { checkPhone, isExtension, type PhoneCheck } from './phone.ts';
export { validateAddress } from './address.ts';
export { meetingsDialIn, type MeetingsDialIn } from './dial-in.ts';
export { DEFAULT_POLICY, resolvePolicy, type RulePolicy } from './policy.ts';
export type { AddressPolicy, FieldRequirement } from './data/address-policy.ts';
export type { WebexLocation } from './data/webex-locations.ts';
export { defaultIssue, makeIssue } from './issue.ts';
export { ISSUE_CODES, INFO_CODES, issueSeverity, refuses } from './types.ts';
export type * from './types.ts';
export { hashDesired } from './desired-hash.ts';
