import { expect } from 'chai';
import fc from 'fast-check';
import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';
import { validE164ForRegion } from '../../src/rules/phone.ts';

/** The library's own answer for an E.164 text and a region: its E.164 when valid, else null. */
function library(text: string, region: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed.number : null;
}

describe('R-CALL-1 phone fast path: the same answer as libphonenumber-js, without its per-call regex compiles', () => {
  const regions = getCountries();

  it('when a random E.164 number of any region is checked, then a fast-path answer is always the library answer', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...regions),
        fc.stringMatching(/^[0-9]{4,14}$/),
        (region, digits) => {
          const text = `+${getCountryCallingCode(region)}${digits}`;
          const answer = validE164ForRegion(text, region);
          if (answer === null) return true; // the full parse decides
          fast += 1;
          expect(answer, text).to.equal(library(text, region));
          return true;
        },
      ),
      { numRuns: 20000 },
    );
    // The property means something only if the fast path answers a fair share of numbers.
    expect(fast).to.be.greaterThan(1000);
  });

  const samples: [CountryCode, string][] = [
    ['US', '+15125550123'],
    ['US', '+18285550101'],
    ['BR', '+5511987654321'],
    ['JP', '+81312345678'],
    ['GB', '+442071838750'],
    ['DE', '+4930123456'],
    ['MX', '+525512345678'],
  ];
  for (const [region, text] of samples) {
    it(`when ${text} is checked for ${region}, then the fast path accepts it as the library does`, () => {
      expect(validE164ForRegion(text, region)).to.equal(text);
      expect(library(text, region)).to.equal(text);
    });
  }

  it('when the number belongs to another region of a shared calling code (+1 416 for a US row), then the fast path leaves it to the full parse', () => {
    expect(validE164ForRegion('+14165550123', 'CA')).to.equal(null); // CA is not +1's main region
    expect(library('+14165550123', 'CA')).to.equal('+14165550123');
  });

  it('when the number is too short for the region, then the fast path does not accept it', () => {
    expect(validE164ForRegion('+1512555', 'US')).to.equal(null);
    expect(library('+1512555', 'US')).to.equal(null);
  });
});
