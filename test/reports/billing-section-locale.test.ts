import { expect } from 'chai';
import { emptyBillingUserCounts } from '../../src/billing/index.ts';
import type { Locale } from '../../src/config/index.ts';
import {
  billingCsvColumns,
  billingLabelsFor,
  billingSheet,
  CUSTOMER_COUNT_PREFIX,
  renderReportHtml,
  type BillingSection,
} from '../../src/reports/index.ts';
import { aThreePartnerInput, visibleText } from './builders.ts';

const USER_CATEGORIES = [
  'matched',
  'packageDiffers',
  'unknown',
  'billedAfterRemoval',
  'notBilled',
  'partnerOwnOrg',
];
const CUSTOMER_CATEGORIES = ['ok', 'overLimit', 'countDiffers', 'unknownCustomer', 'partnerOwnOrg'];

/** A billing run's section with a line of every category and every count a Webex view has. */
function aBillingSection(): BillingSection {
  return {
    period: { start: '2026-02-01', end: '2026-02-28', pointInTime: false },
    partners: [
      {
        partner: 'acme',
        counts: {
          ...emptyBillingUserCounts(),
          ...Object.fromEntries(
            CUSTOMER_CATEGORIES.map((c) => [`${CUSTOMER_COUNT_PREFIX}${c}`, 1]),
          ),
        },
      },
    ],
    lines: [
      ...USER_CATEGORIES.map((category, i) => ({
        partner: 'acme',
        level: 'user' as const,
        customer: 'acme-001',
        orgId: 'ORG-1',
        user: `u${i}@acme.example`,
        package: 'webex_meetings',
        billed: 'webex_calling',
        webexCount: null,
        ledgerCount: null,
        limit: null,
        category,
      })),
      ...CUSTOMER_CATEGORIES.map((category) => ({
        partner: 'acme',
        level: 'customer' as const,
        customer: 'acme-001',
        orgId: 'ORG-1',
        user: null,
        package: 'webex_meetings',
        billed: '',
        webexCount: 12,
        ledgerCount: 10,
        limit: 11,
        category,
      })),
    ],
  };
}

/** Whether `label` stands in `text` as words of its own (Limit is not in Limite). */
function standsIn(text: string, label: string): boolean {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}([^\\p{L}]|$)`, 'u').test(text);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('billing reconciliation in the report locale (issue 22)', () => {
  for (const locale of ['en', 'ja', 'pt-BR'] as const) {
    it(`when the locale is ${locale}, then every category and count a billing run writes has its words`, () => {
      const l = billingLabelsFor(locale);
      for (const c of [...USER_CATEGORIES, ...Object.keys(emptyBillingUserCounts())])
        expect(l.userCategory, c).to.have.property(c).that.is.a('string').and.not.empty;
      for (const c of CUSTOMER_CATEGORIES)
        expect(l.customerCategory, c).to.have.property(c).that.is.a('string').and.not.empty;
    });
  }

  for (const locale of ['ja', 'pt-BR'] as const) {
    it(`when the report is in ${locale}, then the billing section, its sheet and billing.csv's header have no English word left`, () => {
      const own = new Set(strings(billingLabelsFor(locale)));
      const english = strings(billingLabelsFor('en')).filter(
        (label) => label.length >= 4 && !own.has(label),
      );
      const html = renderReportHtml({ ...aThreePartnerInput(locale), billing: aBillingSection() });
      const section = visibleText(html.slice(html.indexOf('<section id="billing"')));
      expect(section).to.contain(billingLabelsFor(locale).title);
      expect(english.filter((label) => standsIn(section, label))).to.deep.equal([]);

      const sheet = billingSheet(aBillingSection(), locale);
      const sheetText = [...sheet.columns, ...sheet.rows.flat().map(String)].join('\n');
      expect(english.filter((label) => standsIn(sheetText, label))).to.deep.equal([]);
      expect(billingCsvColumns(locale).filter((c) => english.includes(c))).to.deep.equal([]);
    });
  }

  it('when the report is in ja, then a category reads as words and a count in the locale', () => {
    const html = renderReportHtml({
      ...aThreePartnerInput('ja' as Locale),
      billing: aBillingSection(),
    });
    const section = visibleText(html.slice(html.indexOf('<section id="billing"')));
    expect(section).to.contain('別のパッケージで請求');
    expect(section).to.contain('顧客: シートの上限を超過 1');
    expect(section).not.to.contain('packageDiffers');
  });
});
