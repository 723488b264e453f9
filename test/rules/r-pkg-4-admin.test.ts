import { expect } from 'chai';
import { createRunRules, type LedgerSeed } from '../../src/rules/index.ts';
import { aContext, aSubscriberRow } from './builders.ts';

const at = (row: number) => ({ file: 'subscribers.csv', row });

function ledger(
  packages: string[],
  users: [string, string, boolean][] = [],
  creationPackage?: string,
): LedgerSeed {
  return {
    customers: [
      {
        externalId: 'c-1',
        desiredAction: 'upsert',
        desired: { packages, limits: {}, address: { country: 'US' } },
        ...(creationPackage ? { creationPackage } : {}),
      },
    ],
    subscribers: users.map(([email, pkg, isAdmin]) => ({
      customerExternalId: 'c-1',
      email,
      desiredAction: 'upsert' as const,
      desired: { package: pkg, isAdmin },
    })),
  };
}

const admin = (pkg: string, email = 'boss@good.example') =>
  aSubscriberRow({ email, package: pkg, is_admin: 'yes', extension: '100' });

describe('R-PKG-4 administrators get the organization’s package and are never downgraded', () => {
  const mismatch: [string[], string, string[], string][] = [
    [['webex_meetings'], 'webex_meetings', [], ''],
    [['webex_calling', 'webex_meetings'], 'webex_calling', [], ''],
    [
      ['webex_calling', 'webex_calling_standard', 'webex_meetings'],
      'webex_calling_standard',
      [],
      '',
    ], // same rank
    [['webex_suite', 'cx_essentials'], 'cx_essentials', [], ''],
    [
      ['webex_calling', 'webex_meetings'],
      'webex_meetings',
      ['ADMIN_PACKAGE_MISMATCH'],
      'webex_calling',
    ],
    [['webex_suite', 'webex_voice'], 'webex_voice', ['ADMIN_PACKAGE_MISMATCH'], 'webex_suite'],
    [['cx_premium_agent'], 'cx_premium_agent', [], ''], // no ranked package: nothing to compare
  ];
  for (const [packages, pkg, expected, expectedPackage] of mismatch) {
    it(`when the customer has ${packages.join(', ')} and an admin asks for ${pkg}, then ${expected.join(', ') || 'it is accepted'}`, () => {
      const rules = createRunRules(aContext(), ledger(packages));
      const v = rules.checkSubscriber(admin(pkg), at(2));
      expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
      if (expectedPackage) expect(v.issues[0]?.params.expected).to.equal(expectedPackage);
    });
  }

  it('when the caller knows the creation package, then that is the administrators’ package', () => {
    const rules = createRunRules(
      aContext(),
      ledger(['webex_suite', 'webex_meetings'], [], 'webex_meetings'),
    );
    expect(rules.checkSubscriber(admin('webex_meetings'), at(2)).issues).to.deep.equal([]);
    expect(
      rules
        .checkSubscriber(admin('webex_suite', 'b@good.example'), at(3))
        .issues.map((i) => i.code),
    ).to.deep.equal(['ADMIN_PACKAGE_MISMATCH']);
  });

  const downgrade: [string, string, boolean, string[]][] = [
    ['webex_suite', 'webex_calling', true, ['ADMIN_DOWNGRADE']],
    ['webex_calling', 'webex_meetings', true, ['ADMIN_DOWNGRADE']],
    ['webex_calling', 'webex_calling_standard', true, []], // same rank
    ['webex_calling', 'webex_suite', true, []], // upgrade
    ['webex_calling', 'webex_meetings', false, []], // not an administrator
  ];
  for (const [from, to, wasAdmin, expected] of downgrade) {
    it(`when ${wasAdmin ? 'an administrator' : 'a user'} moves from ${from} to ${to}, then ${expected.join(', ') || 'it is accepted'}`, () => {
      const packages = ['webex_suite', 'webex_calling', 'webex_calling_standard', 'webex_meetings'];
      const rules = createRunRules(
        aContext(),
        ledger(packages, [['boss@good.example', from, wasAdmin]], from),
      );
      const row = aSubscriberRow({
        email: 'boss@good.example',
        package: to,
        is_admin: 'no',
        extension: '100',
      });
      const v = rules.checkSubscriber(row, at(2));
      expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
      if (expected.length) expect(v.issues[0]?.params).to.include({ from, to });
    });
  }

  it('when the rank comes from configuration, then it decides what is lower', () => {
    const ctx = aContext({ policy: { adminPackageRank: { webex_meetings: 9, webex_calling: 1 } } });
    const rules = createRunRules(
      ctx,
      ledger(['webex_calling', 'webex_meetings'], [['boss@good.example', 'webex_meetings', true]]),
    );
    const v = rules.checkSubscriber(admin('webex_calling'), at(2));
    expect(v.issues.map((i) => i.code)).to.deep.equal(['ADMIN_DOWNGRADE']);
  });
});
