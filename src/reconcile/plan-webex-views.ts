import { partnerConfig, type Config } from '../config/index.ts';

/** Partners whose Webex lists the same customers: one token (or the embedded simulator) and sub-partner org. */
export interface WebexViewPlan {
  partners: string[];
}

/**
 * Groups partners by what their Webex lists: the base URL (none = the embedded simulator, which
 * every partner shares), the token's variable name and the sub-partner org. Each view is listed
 * once, and its partners' ledgers are compared against it together. Pure.
 */
export function planWebexViews(config: Config, partners: readonly string[]): WebexViewPlan[] {
  const views = new Map<string, string[]>();
  for (const partner of [...new Set(partners)].sort()) {
    const settings = partnerConfig(config, partner);
    const baseUrl =
      settings.webex.baseUrl === undefined ? config.webex.baseUrl : settings.webex.baseUrl;
    const key = JSON.stringify([
      baseUrl ?? 'embedded',
      baseUrl ? (settings.webex.tokenEnv ?? '') : '',
      settings.webex.subPartnerOrgId ?? '',
    ]);
    views.set(key, [...(views.get(key) ?? []), partner]);
  }
  return [...views.values()].map((list) => ({ partners: list }));
}

/** R-SELF-1: the org ids that are a partner's own organization (config `orgId`, and the sub-partner org it acts for). */
export function ownOrgIds(config: Config, partner: string): string[] {
  const settings = partnerConfig(config, partner);
  return [settings.orgId, settings.webex.subPartnerOrgId].filter(
    (id): id is string => typeof id === 'string' && id !== '',
  );
}
