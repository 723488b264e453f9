import { expect } from 'chai';
import { hashDesired } from '../../src/rules/index.ts';

describe('desired-state hash', () => {
  it('when a document is hashed, then its hash is the one earlier versions gave (hashes and idempotency keys are stored), whatever the order of its keys', () => {
    const doc = {
      customerExternalId: 'cust-7',
      email: 'taro@yamada.example',
      action: 'upsert',
      firstName: '太郎',
      lastName: 'Yamada',
      package: 'webex_calling',
      isAdmin: false,
      phoneNumber: '+81312345678',
      extension: '1234',
      packages: ['webex_calling', 'webex_meetings'],
      address: {
        line1: '丸の内1-1',
        city: '千代田区',
        postalCode: '100-0005',
        country: 'JP',
        state: undefined,
      },
    };
    // Computed with the hand-built canonical JSON that every hash in a ledger was made with.
    expect(hashDesired(doc)).to.equal(
      'c33cbf4121ba56167532e2c9ef2053b26cc9f5f107755b9092bfe44cd0e9b319',
    );
    const reordered = Object.fromEntries(
      Object.entries({
        ...doc,
        address: Object.fromEntries(Object.entries(doc.address).reverse()),
      }).reverse(),
    );
    expect(hashDesired(reordered), 'keys in another order').to.equal(hashDesired(doc));
    expect(hashDesired({ ...doc, extension: '1235' }), 'another value').to.not.equal(
      hashDesired(doc),
    );
  });
});
