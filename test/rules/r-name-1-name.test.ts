import { expect } from 'chai';
import { validateCustomerRow } from '../../src/rules/index.ts';
import { aContext, aCustomerRow } from './builders.ts';

describe('R-NAME-1 customer name without %', () => {
  for (const name of ['Ortiz & Sons', 'さくら会計事務所', "John's Pizza", '100 Percent Co']) {
    it(`when the name is ${JSON.stringify(name)}, then it is accepted`, () => {
      expect(
        validateCustomerRow(aCustomerRow({ customer_name: name }), aContext()).issues,
      ).to.deep.equal([]);
    });
  }
  for (const name of ['Bad % Co', '100%', '%']) {
    it(`when the name is ${JSON.stringify(name)}, then INVALID_NAME_CHAR`, () => {
      expect(
        validateCustomerRow(aCustomerRow({ customer_name: name }), aContext()).issues,
      ).to.deep.equal([
        {
          code: 'INVALID_NAME_CHAR',
          column: 'customer_name',
          value: name,
          params: { value: name },
        },
      ]);
    });
  }
});
