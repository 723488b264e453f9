import { expect } from 'chai';
import {
  createRunRules,
  type RowRecord,
  type RuleContext,
  type RunRules,
} from '../../src/rules/index.ts';
import { aContext } from './builders.ts';

// A partner corpus as it arrives (Japanese and Brazilian partners, full-width values, names
// instead of codes, national phone numbers…) with the codes of contract §6 each row must get.
// Cells go through what the import does to every cell first: NFKC and trimming.

const cells = (row: Record<string, string>): RowRecord =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.normalize('NFKC').trim()]));

/** A Japanese calling customer as a partner in Tokyo writes it. */
const SAKURA = {
  external_id: 'ＳＡＫ－００１',
  customer_name: '株式会社さくら商事',
  primary_email: 'Admin@Sakura.CO.JP',
  language: 'ja',
  address_line1: '千代田区丸の内１－１－１',
  address_line2: '丸の内ビル１２Ｆ',
  city: '千代田区',
  state_or_province: '東京都',
  zip_or_postal_code: '１００－０００１',
  country: 'JP',
  packages: 'Webex Calling, Webex Meetings',
  limit_webex_calling: '５０',
  limit_webex_meetings: '50',
  location_name: '本社',
  location_timezone: 'Asia/Tokyo',
  location_language: 'ja_JP',
};

/** A Brazilian customer as a partner in São Paulo writes it. */
const PAULISTA = {
  external_id: 'BR-0001',
  customer_name: 'Padaria Paulista Ltda',
  primary_email: 'ti@paulista.com.br',
  language: 'pt_BR',
  address_line1: 'Av. Paulista, 1000',
  address_line2: 'Conjunto 101',
  city: 'São Paulo',
  state_or_province: 'SP',
  zip_or_postal_code: '01310-100',
  country: 'BR',
  packages: 'webex_suite;webex_meetings',
  limit_webex_suite: '20',
  limit_webex_meetings: '30',
  location_name: 'Matriz',
  location_timezone: 'America/Sao_Paulo',
  location_language: 'pt_BR',
};

type Case = [name: string, row: Record<string, string>, codes: string[]];

const CUSTOMERS: Case[] = [
  ['a Japanese calling customer with full-width values', SAKURA, []],
  ['a Brazilian suite customer in São Paulo', PAULISTA, []],
  ['国 written as 日本', { ...SAKURA, country: '日本' }, ['INVALID_COUNTRY']],
  ['País written as Brasil', { ...PAULISTA, country: 'Brasil' }, ['INVALID_COUNTRY']],
  ['country in lower case', { ...PAULISTA, country: 'br' }, []],
  ['country as alpha-3', { ...PAULISTA, country: 'BRA' }, ['INVALID_COUNTRY']],
  ['a CEP without its hyphen', { ...PAULISTA, zip_or_postal_code: '01310100' }, []],
  [
    'a CEP with a letter',
    { ...PAULISTA, zip_or_postal_code: '0131O-100' },
    ['INVALID_POSTAL_CODE'],
  ],
  ['a Japanese postal code without its hyphen', { ...SAKURA, zip_or_postal_code: '1000001' }, []],
  [
    'a Japanese postal code of 6 digits',
    { ...SAKURA, zip_or_postal_code: '100-001' },
    ['INVALID_POSTAL_CODE'],
  ],
  [
    'a Brazilian address without its state',
    { ...PAULISTA, state_or_province: '' },
    ['ADDRESS_REQUIRED_FOR_COUNTRY'],
  ],
  [
    'a Brazilian address without its CEP',
    { ...PAULISTA, zip_or_postal_code: '' },
    ['ADDRESS_REQUIRED_FOR_COUNTRY'],
  ],
  [
    'an address line of 51 characters',
    { ...PAULISTA, address_line1: 'A'.repeat(51) },
    ['ADDRESS_TOO_LONG'],
  ],
  ['a Japanese address line of 50 characters', { ...SAKURA, address_line1: '丸'.repeat(50) }, []],
  [
    'a customer name with %',
    { ...PAULISTA, customer_name: 'Padaria 100% Paulista' },
    ['INVALID_NAME_CHAR'],
  ],
  ['an upper-case primary email', { ...PAULISTA, primary_email: 'TI@PAULISTA.COM.BR' }, []],
  [
    'a primary email without a domain',
    { ...PAULISTA, primary_email: 'ti@paulista' },
    ['INVALID_EMAIL'],
  ],
  ['a full-width @ in the email', { ...SAKURA, primary_email: 'admin＠sakura.co.jp' }, []],
  ['language ja_JP', { ...SAKURA, language: 'ja_JP' }, []],
  ['language pt-BR with a hyphen', { ...PAULISTA, language: 'pt-BR' }, ['INVALID_LANGUAGE']],
  ['language Português', { ...PAULISTA, language: 'Português' }, ['INVALID_LANGUAGE']],
  ['time zone America/Sao_Paulo', { ...PAULISTA, meetings_timezone: 'America/Sao_Paulo' }, []],
  ['time zone JST', { ...SAKURA, location_timezone: 'JST' }, ['INVALID_TIMEZONE']],
  [
    'time zone Brasília (UTC-3)',
    { ...PAULISTA, location_timezone: 'Brasília' },
    ['INVALID_TIMEZONE'],
  ],
  [
    'a Japanese calling customer leaving the time zone to the country',
    { ...SAKURA, location_timezone: '' },
    [],
  ],
  [
    'a Brazilian calling customer without a time zone (Brazil has several)',
    { ...PAULISTA, location_timezone: '' },
    ['CALLING_LOCATION_REQUIRED'],
  ],
  [
    'packages by display name in Japanese case',
    { ...SAKURA, packages: 'webex calling | WEBEX MEETINGS' },
    [],
  ],
  ['packages one per line', { ...SAKURA, packages: 'webex_calling\nwebex_meetings' }, []],
  ['an unknown package', { ...PAULISTA, packages: 'Webex Premium' }, ['UNKNOWN_PACKAGE']],
  [
    'an add-on for a partner without add-ons',
    { ...SAKURA, packages: 'webex_calling, attendant_console' },
    ['ADDON_NOT_ENABLED'],
  ],
  ['a limit written as 50人', { ...SAKURA, limit_webex_calling: '50人' }, ['INVALID_NUMBER']],
  [
    'a limit with a thousands separator',
    { ...PAULISTA, limit_webex_suite: '1.000' },
    ['INVALID_NUMBER'],
  ],
  ['a required column left empty', { ...PAULISTA, city: '' }, ['REQUIRED']],
  ['an action in upper case', { ...PAULISTA, action: 'UPSERT' }, []],
  ['an action 削除', { ...SAKURA, action: '削除' }, ['INVALID_ACTION']],
  [
    'a location name of 81 characters',
    { ...SAKURA, location_name: 'x'.repeat(81) },
    ['LOCATION_NAME_TOO_LONG'],
  ],
];

/** Users of SAKURA (calling and meetings) and PAULISTA (suite and meetings). */
const TARO = {
  customer_external_id: 'ＳＡＫ－００１',
  email: 'Taro.Yamada@Sakura.co.jp',
  first_name: '太郎',
  last_name: '山田',
  package: 'Webex Calling',
  is_admin: 'いいえ',
  phone_number: '03-1234-5678',
  extension: '1001',
};
const ANA = {
  customer_external_id: 'BR-0001',
  email: 'ana.souza@paulista.com.br',
  first_name: 'Ana',
  last_name: 'Souza',
  package: 'webex_suite',
  is_admin: 'não',
  phone_number: '(11) 98765-4321',
};

const SUBSCRIBERS: Case[] = [
  ['a Japanese user with a national number and an extension', TARO, []],
  ['a Brazilian user with a national mobile number', ANA, []],
  ['a user with an extension only', { ...TARO, email: 'e1@sakura.co.jp', phone_number: '' }, []],
  [
    'a user with a full-width phone',
    { ...TARO, email: 'e2@sakura.co.jp', phone_number: '０３－１２３４－５６７８' },
    [],
  ],
  [
    'a user with an E.164 number',
    { ...ANA, email: 'e3@paulista.com.br', phone_number: '+55 11 98765-4321' },
    [],
  ],
  [
    'a calling user with neither number nor extension',
    { ...TARO, email: 'e4@sakura.co.jp', phone_number: '', extension: '' },
    ['PHONE_OR_EXTENSION_REQUIRED'],
  ],
  [
    'a meetings user with neither',
    {
      ...TARO,
      email: 'e5@sakura.co.jp',
      package: 'Webex Meetings',
      phone_number: '',
      extension: '',
    },
    [],
  ],
  [
    'a phone that is too short',
    { ...ANA, email: 'e6@paulista.com.br', phone_number: '1234' },
    ['INVALID_PHONE'],
  ],
  [
    'an extension with letters',
    { ...TARO, email: 'e7@sakura.co.jp', extension: 'x100' },
    ['INVALID_PHONE'],
  ],
  [
    'an upper-case email that repeats a user',
    { ...TARO, email: 'TARO.YAMADA@SAKURA.CO.JP' },
    ['DUPLICATE_ROW'],
  ],
  ['an email with a space', { ...ANA, email: 'ana souza@paulista.com.br' }, ['INVALID_EMAIL']],
  [
    'two packages for one user',
    { ...ANA, email: 'e8@paulista.com.br', package: 'webex_suite, webex_meetings' },
    ['ONE_PACKAGE_PER_USER'],
  ],
  [
    'a package the customer does not have',
    { ...ANA, email: 'e9@paulista.com.br', package: 'webex_calling' },
    ['PACKAGE_NOT_ON_CUSTOMER'],
  ],
  [
    'an unknown package',
    { ...ANA, email: 'e10@paulista.com.br', package: 'Suite' },
    ['UNKNOWN_PACKAGE'],
  ],
  [
    'an administrator with the creation package (はい)',
    { ...TARO, email: 'admin2@sakura.co.jp', is_admin: 'はい' },
    [],
  ],
  [
    'an administrator (sim) with a lower package',
    { ...ANA, email: 'adm@paulista.com.br', is_admin: 'sim', package: 'webex_meetings' },
    ['ADMIN_PACKAGE_MISMATCH'],
  ],
  [
    'an admin value that is not yes or no',
    { ...ANA, email: 'e11@paulista.com.br', is_admin: 'talvez' },
    ['INVALID_BOOLEAN'],
  ],
  [
    'a customer in no sheet, with a national number',
    { ...ANA, email: 'e12@x.com.br', customer_external_id: 'BR-9999' },
    ['UNKNOWN_CUSTOMER'],
  ],
  [
    'a customer in no sheet and a bad email',
    { ...ANA, email: 'e12@x', customer_external_id: 'BR-9999' },
    ['INVALID_EMAIL', 'UNKNOWN_CUSTOMER'],
  ],
  [
    'a customer in no sheet and a bad international number',
    { ...ANA, email: 'e14@x.com.br', customer_external_id: 'BR-9999', phone_number: '+55 11' },
    ['INVALID_PHONE', 'UNKNOWN_CUSTOMER'],
  ],
  [
    'a customer id in full width that matches after NFKC',
    { ...TARO, email: 'e13@sakura.co.jp', customer_external_id: 'SAK-001' },
    [],
  ],
  ['a required email left empty', { ...ANA, email: '' }, ['REQUIRED']],
];

function seeded(ctx: RuleContext): RunRules {
  const rules = createRunRules(ctx);
  for (const [i, row] of [SAKURA, PAULISTA].entries()) {
    const check = rules.checkCustomer(cells(row), { file: 'customers.xlsx', row: i + 2 });
    expect(check.issues, JSON.stringify(check.issues)).to.deep.equal([]);
  }
  return rules;
}

describe('partner corpus: the codes of contract §6', () => {
  describe('customer rows', () => {
    for (const [name, row, codes] of CUSTOMERS) {
      it(`when ${name}, then ${codes.join(', ') || 'accepted'}`, () => {
        const rules = createRunRules(aContext({ locale: 'ja' }));
        const check = rules.checkCustomer(cells(row), { file: 'f', row: 2 });
        expect(check.issues.map((i) => i.code)).to.deep.equal(codes);
        expect(check.value === null).to.equal(codes.length > 0);
      });
    }
  });

  describe('subscriber rows, after both customers of the run', () => {
    const rules = seeded(aContext({ locale: 'pt-BR' }));
    let row = 2;
    for (const [name, data, codes] of SUBSCRIBERS) {
      const at = { file: 'users.csv', row: row++ };
      it(`when ${name}, then ${codes.join(', ') || 'accepted'}`, () => {
        const check = rules.checkSubscriber(cells(data), at);
        expect(check.issues.map((i) => i.code)).to.deep.equal(codes);
      });
    }
  });

  it('when a national phone number is accepted, then it is stored in E.164 with the customer’s country as region', () => {
    const rules = seeded(aContext());
    const taro = rules.checkSubscriber(cells(TARO), { file: 'u', row: 2 });
    const ana = rules.checkSubscriber(cells(ANA), { file: 'u', row: 3 });
    expect([taro.value?.phoneNumber, ana.value?.phoneNumber]).to.deep.equal([
      '+81312345678',
      '+5511987654321',
    ]);
    expect(taro.value?.email).to.equal('taro.yamada@sakura.co.jp');
    expect(taro.key).to.equal('SAK-001/taro.yamada@sakura.co.jp');
  });
});
