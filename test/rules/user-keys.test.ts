import { expect } from 'chai';
import fc from 'fast-check';
import { UserKeys, withRoom } from '../../src/rules/user-keys.ts';

describe('UserKeys: the users of a run, numbered, packed outside the JS heap', () => {
  it('when users are added, then they are numbered in the order first seen and found again', () => {
    const keys = new UserKeys();
    expect(keys.add('c-1', 'a@x.example')).to.equal(0);
    expect(keys.add('c-1', 'b@x.example')).to.equal(1);
    expect(keys.add('c-2', 'a@x.example')).to.equal(2); // the same email under another customer
    expect(keys.add('c-1', 'a@x.example')).to.equal(0);
    expect(keys.find('c-2', 'a@x.example')).to.equal(2);
    expect(keys.size).to.equal(3);
  });

  it('when a user or its customer was never added, then find says -1 and numbers nothing', () => {
    const keys = new UserKeys();
    keys.add('c-1', 'a@x.example');
    expect(keys.find('c-1', 'a@x.exampl')).to.equal(-1);
    expect(keys.find('c-1', 'a@x.example.org')).to.equal(-1);
    expect(keys.find('c-9', 'a@x.example')).to.equal(-1);
    expect(keys.find('c-1', '')).to.equal(-1);
    expect(keys.size).to.equal(1);
  });

  it('when emails differ only in characters above U+00FF or in U+00FF itself, then they are told apart', () => {
    // Characters from U+00FF up are written as 0xFF and two bytes: these would collide if the
    // escape were ambiguous.
    const emails = [
      'ÿ@x',
      '\u00ff\u0000\u00ff@x',
      'Ā@x',
      '\u00ff\u0001\u0000@x',
      '山田@x',
      '😀@x',
      '',
    ];
    const keys = new UserKeys();
    emails.forEach((email, i) => expect(keys.add('c', email)).to.equal(i));
    emails.forEach((email, i) => expect(keys.find('c', email)).to.equal(i));
  });

  it('when many users are added across growth of every array, then each keeps its number (against a Map)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), fc.string({ unit: 'binary', maxLength: 12 })), {
          maxLength: 3000,
        }),
        (pairs) => {
          const keys = new UserKeys();
          const expected = new Map<string, number>();
          for (const [customer, email] of pairs) {
            const id = `${customer}\u0000${email}`;
            const n = keys.add(String(customer), email);
            if (!expected.has(id)) expected.set(id, expected.size);
            expect(n).to.equal(expected.get(id));
          }
          expect(keys.size).to.equal(expected.size);
          for (const [customer, email] of pairs)
            expect(keys.find(String(customer), email)).to.equal(
              expected.get(`${customer}\u0000${email}`),
            );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('when a hundred thousand users are added, then every one is found under its own number', () => {
    const keys = new UserKeys();
    for (let i = 0; i < 100_000; i++) keys.add(`c-${i % 97}`, `user${i}@c${i % 97}.example`);
    for (let i = 0; i < 100_000; i += 7)
      expect(keys.find(`c-${i % 97}`, `user${i}@c${i % 97}.example`)).to.equal(i);
    expect(keys.find('c-0', 'user1@c0.example')).to.equal(-1); // user1 is c-1's
  });

  it('when a column needs room, then it is copied to a longer one holding the same values', () => {
    const column = Int32Array.of(7, 8);
    expect(withRoom(column, 1)).to.equal(column);
    const grown = withRoom(column, 5);
    expect(grown).to.be.instanceOf(Int32Array);
    expect([...grown]).to.deep.equal([7, 8, 0, 0, 0, 0, 0, 0]);
  });
});
