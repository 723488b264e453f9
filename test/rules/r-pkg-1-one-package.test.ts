import { expect } from 'chai';
import { validateSubscriberRow } from '../../src/rules/index.ts';
import { aContext, aSubscriberRow } from './builders.ts';

describe('R-PKG-1 every user has exactly one package', () => {
  const cases: [string, string[]][] = [
    ['webex_meetings', []],
    ['Webex Calling', []],
    ['webex_meetings, webex_calling', ['ONE_PACKAGE_PER_USER']],
    ['webex_meetings;webex_meetings', ['ONE_PACKAGE_PER_USER']],
    ['webex_suite | webex_voice | webex_meetings', ['ONE_PACKAGE_PER_USER']],
    ['', ['REQUIRED']],
  ];
  for (const [cell, expected] of cases) {
    it(`when the package cell is ${JSON.stringify(cell)}, then ${expected.join(', ') || 'it is accepted'}`, () => {
      const v = validateSubscriberRow(
        aSubscriberRow({ package: cell, phone_number: '+18285550101' }),
        aContext(),
      );
      expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
    });
  }

  it('when a cell lists three packages, then the issue counts them', () => {
    const cell = 'webex_suite | webex_voice | webex_meetings';
    const [issue] = validateSubscriberRow(aSubscriberRow({ package: cell }), aContext()).issues;
    expect(issue).to.deep.equal({
      code: 'ONE_PACKAGE_PER_USER',
      column: 'package',
      value: cell,
      params: { value: cell, count: 3 },
    });
  });
});
