import type { RowRecord, RuleContext } from '../../src/rules/index.ts';

/** A partner context: English, a default template, add-ons off unless asked. */
export function aContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return { locale: 'en', provisioningId: 'PROV-1', addonsEnabled: false, ...overrides };
}

/** A customer row every rule accepts: a Meetings customer in the US. */
export function aCustomerRow(overrides: Record<string, string> = {}): RowRecord {
  return {
    external_id: 'c-1',
    customer_name: 'Good Co',
    primary_email: 'it@good.example',
    address_line1: '1 Main St',
    city: 'Austin',
    state_or_province: 'TX',
    zip_or_postal_code: '78701',
    country: 'US',
    packages: 'webex_meetings',
    ...overrides,
  };
}

/** A calling customer row every rule accepts: Webex Calling in Japan with a full location. */
export function aCallingCustomerRow(overrides: Record<string, string> = {}): RowRecord {
  return aCustomerRow({
    customer_name: 'さくら会計',
    address_line1: '丸の内1-1-1',
    city: '千代田区',
    state_or_province: '東京都',
    zip_or_postal_code: '100-0005',
    country: 'JP',
    language: 'ja',
    packages: 'webex_calling, webex_meetings',
    location_name: 'Head Office',
    location_timezone: 'Asia/Tokyo',
    location_language: 'ja_JP',
    ...overrides,
  });
}

/** A subscriber row every rule accepts for aCustomerRow(). */
export function aSubscriberRow(overrides: Record<string, string> = {}): RowRecord {
  return {
    customer_external_id: 'c-1',
    email: 'ana@good.example',
    first_name: 'Ana',
    last_name: 'Silva',
    package: 'webex_meetings',
    is_admin: 'no',
    ...overrides,
  };
}

/** The codes of a list of issues, in order. */
export const codes = (issues: readonly { code: string }[]) => issues.map((i) => i.code);
