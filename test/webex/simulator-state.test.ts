import { expect } from 'chai';
import { SubscriberMap, type SubscriberRecord } from '../../src/webex/simulator/index.ts';
import {
  emptyState,
  parseState,
  renderState,
  renderStateChunks,
} from '../../src/webex/simulator/state.ts';

function subscriber(id: string, customerId: string, email: string): SubscriberRecord {
  return {
    id,
    personId: `person-${id}`,
    email,
    customerId,
    packages: ['webex_meetings'],
    status: 'provisioned',
    createdMs: 0,
    lastStatusChangeMs: 0,
  };
}

describe('simulator: subscriber indexes', () => {
  it('when subscribers are stored, replaced and deleted, then lookups by email and customer follow', () => {
    const map = new SubscriberMap([
      ['s1', subscriber('s1', 'c1', 'Ana@Example.com')],
      ['s2', subscriber('s2', 'c1', 'bo@example.com')],
      ['s3', subscriber('s3', 'c2', 'cy@example.com')],
    ]);
    expect(map.withEmail('ana@EXAMPLE.com').map((s) => s.id)).to.deep.equal(['s1']);
    expect(map.ofCustomer('c1').map((s) => s.id)).to.deep.equal(['s1', 's2']);

    // A record stored again under another customer and email moves in both indexes.
    map.set('s2', subscriber('s2', 'c2', 'dee@example.com'));
    expect(map.withEmail('bo@example.com')).to.deep.equal([]);
    expect(map.withEmail('dee@example.com').map((s) => s.id)).to.deep.equal(['s2']);
    expect(map.ofCustomer('c1').map((s) => s.id)).to.deep.equal(['s1']);
    expect(map.ofCustomer('c2').map((s) => s.id)).to.deep.equal(['s3', 's2']);

    map.delete('s3');
    expect(map.ofCustomer('c2').map((s) => s.id)).to.deep.equal(['s2']);
    expect(map.withEmail('cy@example.com')).to.deep.equal([]);

    map.clear();
    expect([
      map.size,
      map.ofCustomer('c1').length,
      map.withEmail('ana@example.com').length,
    ]).to.deep.equal([0, 0, 0]);
  });
});

describe('simulator: state file in pieces', () => {
  it('when a large state is rendered in pieces, then they join into the same state file', () => {
    const state = emptyState();
    for (let i = 0; i < 1234; i++)
      state.subscribers.set(`s${i}`, subscriber(`s${i}`, `c${i % 7}`, `u${i}@example.com`));
    const pieces = [...renderStateChunks(state)];
    expect(pieces.length).to.be.greaterThan(3);
    const text = pieces.join('');
    expect(text).to.equal(renderState(state));
    const back = parseState(text);
    expect(back.state?.subscribers.ofCustomer('c3').length).to.equal(176);
  });
});
