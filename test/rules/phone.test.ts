import { expect } from 'chai';
import { validateSubscriberRow } from '../../src/rules/index.ts';
import { aContext, aSubscriberRow } from './builders.ts';

const calling = (phone: string, extension = '', customerCountry?: string) =>
  validateSubscriberRow(
    aSubscriberRow({ package: 'webex_calling', phone_number: phone, extension }),
    aContext({ customerCountry }),
  );

describe('INVALID_PHONE and VALUE_DAMAGED: phone numbers in E.164 (libphonenumber-js)', () => {
  const accepted: [string, string | undefined, string][] = [
    ['+18285550101', 'US', '+18285550101'],
    ['+18285550101', undefined, '+18285550101'],
    ['(828) 555-0101', 'US', '+18285550101'],
    ['+1 828 555 0101', 'JP', '+18285550101'],
    ['03-1234-5678', 'JP', '+81312345678'],
    ['11 98765-4321', 'BR', '+5511987654321'],
    ['+55 11 98765-4321', 'BR', '+5511987654321'],
  ];
  for (const [cell, country, e164] of accepted) {
    it(`when the phone is ${JSON.stringify(cell)} for a ${country ?? 'country-less'} customer, then it is stored as ${e164}`, () => {
      const v = calling(cell, '', country);
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.phoneNumber).to.equal(e164);
    });
  }

  const refused: [string, string | undefined, string, Record<string, string>][] = [
    ['(828) 555-0101', undefined, 'INVALID_PHONE', {}],
    ['+1 555 555 5555', 'US', 'INVALID_PHONE', { callingCode: '+1' }],
    ['12345', 'JP', 'INVALID_PHONE', { callingCode: '+81' }],
    ['call me', 'BR', 'INVALID_PHONE', { callingCode: '+55' }],
    ['1.82855E+10', 'US', 'VALUE_DAMAGED', { damage: 'scientific notation' }],
    [
      '18285550101.0',
      'US',
      'VALUE_DAMAGED',
      { damage: 'stored as a number', suggestion: '+18285550101' },
    ],
    [
      '5511987654321',
      'US',
      'VALUE_DAMAGED',
      { damage: 'lost its leading +', suggestion: '+5511987654321' },
    ],
    ['1234567890123456', 'US', 'VALUE_DAMAGED', { damage: 'more than 15 digits' }],
  ];
  for (const [cell, country, code, params] of refused) {
    it(`when the phone is ${JSON.stringify(cell)} for a ${country ?? 'country-less'} customer, then ${code}`, () => {
      const v = calling(cell, '', country);
      expect(v.value).to.equal(null);
      expect(v.issues).to.deep.equal([
        { code, column: 'phone_number', value: cell, params: { value: cell, ...params } },
      ]);
    });
  }

  for (const ext of ['1', '12a', '12345678901']) {
    it(`when the extension is ${JSON.stringify(ext)}, then INVALID_PHONE on the extension`, () => {
      const v = calling('', ext);
      expect(v.issues).to.deep.equal([
        {
          code: 'INVALID_PHONE',
          column: 'extension',
          value: ext,
          params: { value: ext, what: 'extension' },
        },
      ]);
    });
  }

  it('when a Meetings user has a phone number, then it is checked too', () => {
    const v = validateSubscriberRow(aSubscriberRow({ phone_number: 'n/a' }), aContext());
    expect(v.issues.map((i) => i.code)).to.deep.equal(['INVALID_PHONE']);
  });
});
