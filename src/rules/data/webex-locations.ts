// R-DIAL-1 data (domain.md §5): country → Webex location, each location's default call-in
// country code, and the telephony domain's dial-in numbers per country. No public source gives
// the full country → location mapping (domain.md says so), so this is our documented default:
//   AMER  the Americas and the Caribbean (ISO 3166 / UN M49 region "Americas");
//   ANZ   Australia, New Zealand, Oceania and Antarctica (UN M49 "Oceania" plus AQ);
//   EURO  the EU, EFTA and the European micro-states, with their European territories;
//   EMEA  the rest of Europe (the UK and its Crown dependencies, the Balkans, Eastern Europe,
//         Türkiye, the Caucasus), the Middle East and Africa;
//   APAC  the rest of Asia.
// Every ISO 3166-1 code is mapped; a code missing from an override falls back to DEFAULT_LOCATION.

/** Webex Meetings locations that decide a site's default global call-in number. */
export type WebexLocation = 'AMER' | 'APAC' | 'ANZ' | 'EMEA' | 'EURO';

/** The location used for a country that no mapping names. */
export const DEFAULT_LOCATION: WebexLocation = 'AMER';

const MEMBERS: Record<WebexLocation, string> = {
  AMER: 'AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT UM US UY VC VE VG VI',
  ANZ: 'AQ AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS',
  EURO: 'AD AT AX BE BG CH CY CZ DE DK EE ES FI FO FR GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SJ SK SM VA',
  EMEA: 'AE AL AM AO AZ BA BF BH BI BJ BV BW BY CD CF CG CI CM CV DJ DZ EG EH ER ET GA GB GE GG GH GI GM GN GQ GW IL IM IQ IR JE JO KE KM KW LB LR LS LY MA MD ME MG MK ML MR MU MW MZ NA NE NG OM PS QA RE RS RU RW SA SC SD SH SL SN SO SS ST SY SZ TD TF TG TN TR TZ UA UG YE YT ZA ZM ZW',
  APAC: 'AF BD BN BT CN HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL TM TW UZ VN',
};

/** Country (alpha-2) → Webex location. */
export const COUNTRY_LOCATIONS: Readonly<Record<string, WebexLocation>> = Object.fromEntries(
  (Object.entries(MEMBERS) as [WebexLocation, string][]).flatMap(([location, codes]) =>
    codes.split(' ').map((code) => [code, location]),
  ),
);

/** R-DIAL-1's table: each location's default country code (and the country it stands for). */
export const LOCATION_DIAL_IN: Readonly<Record<WebexLocation, string>> = {
  AMER: '+1', // United States, Canada
  APAC: '+65', // Singapore
  ANZ: '+61', // Australia
  EMEA: '+44', // United Kingdom
  EURO: '+49', // Germany
};

/**
 * The telephony domain's dial-in numbers per country, first one first. The real list belongs to
 * the partner's telephony domain (Cisco PSTN) and is configuration; the default holds only the
 * countries R-DIAL-1 itself names, by their country code, so every other country falls back to
 * its location's default. Override it with the partner's list to show the actual numbers.
 */
export const TELEPHONY_DOMAIN_DIAL_INS: Readonly<Record<string, readonly string[]>> = {
  US: ['+1'],
  CA: ['+1'],
  SG: ['+65'],
  AU: ['+61'],
  GB: ['+44'],
  DE: ['+49'],
};
