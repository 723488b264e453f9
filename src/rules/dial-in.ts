import { DEFAULT_POLICY, type RulePolicy } from './policy.ts';
import { DEFAULT_LOCATION, type WebexLocation } from './data/webex-locations.ts';

/** R-DIAL-1: where a customer's Meetings site is and its default global call-in number. */
export interface MeetingsDialIn {
  location: WebexLocation;
  dialIn: string;
  /** Whether the number is the telephony domain's for the country or the location's default. */
  dialInSource: 'telephony-domain' | 'location-default';
}

type DialInPolicy = Pick<
  RulePolicy,
  'countryLocations' | 'locationDialIn' | 'telephonyDomainDialIns'
>;

/**
 * R-DIAL-1: the telephony domain's first dial-in number for the country; if it has none, the
 * default of the country's location (+1, +65, +61, +44, +49).
 */
export function meetingsDialIn(
  country: string,
  policy: DialInPolicy = DEFAULT_POLICY,
): MeetingsDialIn {
  const code = country.trim().toUpperCase();
  const location = policy.countryLocations[code] ?? DEFAULT_LOCATION;
  const first = policy.telephonyDomainDialIns[code]?.[0];
  if (first) return { location, dialIn: first, dialInSource: 'telephony-domain' };
  return { location, dialIn: policy.locationDialIn[location], dialInSource: 'location-default' };
}
