// Packages of the Wholesale API (domain.md §4). The enum grows: this file is the one list.

/** Customer packages the API accepts, with the name partners see in Partner Hub. */
export const CUSTOMER_PACKAGES: Readonly<Record<string, string>> = {
  common_area_calling: 'Webex Common Area Calling',
  webex_calling: 'Webex Calling',
  webex_meetings: 'Webex Meetings',
  webex_suite: 'Webex Suite',
  webex_voice: 'Webex Voice',
  cx_essentials: 'Customer Assist',
  webex_calling_standard: 'Webex Calling Standard',
  cisco_calling_plan: 'Cisco Calling Plan',
  attendant_console: 'Attendant Console',
  cx_premium_agent: 'Contact Center Premium Agent',
  cx_standard_agent: 'Contact Center Standard Agent',
  cx_voice_ports: 'Contact Center Voice Ports',
  cx_ai_assistant: 'Contact Center AI Assistant',
  webex_ai_agent: 'Webex AI Agent',
};

/** Packages a subscriber can hold. */
export const SUBSCRIBER_PACKAGES: readonly string[] = [
  'webex_calling',
  'webex_meetings',
  'webex_suite',
  'webex_voice',
  'cx_essentials',
  'webex_calling_standard',
  'attendant_console',
  'cx_premium_agent',
  'cx_standard_agent',
];

/** Packages that need a calling location on the customer and a number on the user (R-CALL-1). */
export const CALLING_PACKAGES: ReadonlySet<string> = new Set([
  'webex_calling',
  'webex_suite',
  'webex_voice',
  'common_area_calling',
  'cx_essentials',
  'webex_calling_standard',
]);

const BY_FOLDED_NAME = new Map<string, string>();
for (const [api, display] of Object.entries(CUSTOMER_PACKAGES)) {
  BY_FOLDED_NAME.set(fold(api), api);
  BY_FOLDED_NAME.set(fold(display), api);
}

/** The API name of a package given by API name or display name, case-insensitively; null if unknown. */
export function resolvePackage(name: string): string | null {
  return BY_FOLDED_NAME.get(fold(name)) ?? null;
}

/** Splits a package list cell on `,` `;` `|` or new lines (contract §3). */
export function splitPackageList(cell: string): string[] {
  return cell
    .split(/[,;|\r\n]+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function fold(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}
