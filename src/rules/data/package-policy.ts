// Package policy of domain.md §4. Source: the Wholesale provisioning API's package notes
// (developer.webex.com, "Provision a Wholesale Customer") and the Wholesale RTM solution guide
// (help.webex.com, "Customer provisioning"), as transcribed in domain.md.

/**
 * R-PKG-5: billable add-ons and the packages one of which the customer must also have.
 * `attendant_console` gained `webex_voice` in 2026 (domain.md): the list is data for that reason.
 */
export const ADDON_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  cisco_calling_plan: [
    'common_area_calling',
    'webex_calling',
    'webex_suite',
    'webex_voice',
    'cx_essentials',
    'webex_calling_standard',
  ],
  attendant_console: ['webex_calling', 'webex_suite', 'cx_essentials', 'webex_voice'],
};

/**
 * R-PKG-4 default rank (*policy*): an administrator's package is never lowered, and administrators
 * get the highest-ranked package of their customer. Equal numbers are the same level.
 * webex_meetings < webex_voice < webex_calling_standard = webex_calling < cx_essentials = webex_suite.
 */
export const ADMIN_PACKAGE_RANK: Readonly<Record<string, number>> = {
  webex_meetings: 1,
  webex_voice: 2,
  webex_calling_standard: 3,
  webex_calling: 3,
  cx_essentials: 4,
  webex_suite: 4,
};
