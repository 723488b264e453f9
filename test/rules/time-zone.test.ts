import { expect } from 'chai';
import { validateCustomerRow } from '../../src/rules/index.ts';
import { aCallingCustomerRow, aContext, aCustomerRow } from './builders.ts';

describe('INVALID_TIMEZONE: location and Meetings time zones are IANA names', () => {
  for (const zone of [
    'America/New_York',
    'Asia/Tokyo',
    'America/Sao_Paulo',
    'Asia/Kolkata',
    'Asia/Calcutta',
    'Europe/Kyiv',
    'UTC',
    'Etc/GMT+5',
  ]) {
    it(`when the Meetings time zone is ${zone}, then it is accepted`, () => {
      const v = validateCustomerRow(aCustomerRow({ meetings_timezone: zone }), aContext());
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.meetingsTimezone).to.equal(zone);
    });
  }

  const refused: [string, string | null][] = [
    ['america/new_york', 'America/New_York'],
    ['America/New York', 'America/New_York'],
    ['Tokyo', 'Asia/Tokyo'],
    ['Japan', 'Asia/Tokyo'],
    ['EST', null],
    ['JST', null],
    ['GMT+9', null],
    ['+09:00', null],
    ['Mars/Olympus_Mons', null],
  ];
  for (const [zone, suggestion] of refused) {
    it(`when the Meetings time zone is ${JSON.stringify(zone)}, then INVALID_TIMEZONE suggests ${suggestion ?? 'nothing'}`, () => {
      const v = validateCustomerRow(aCustomerRow({ meetings_timezone: zone }), aContext());
      expect(v.issues).to.deep.equal([
        {
          code: 'INVALID_TIMEZONE',
          column: 'meetings_timezone',
          value: zone,
          params: suggestion ? { value: zone, suggestion } : { value: zone },
        },
      ]);
    });
  }

  it('when the location time zone is wrong, then INVALID_TIMEZONE names that column', () => {
    const v = validateCustomerRow(
      aCallingCustomerRow({ location_timezone: 'Asia/Tokio' }),
      aContext(),
    );
    expect(v.issues.map((i) => [i.code, i.column])).to.deep.equal([
      ['INVALID_TIMEZONE', 'location_timezone'],
    ]);
  });
});
