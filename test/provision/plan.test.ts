import { expect } from 'chai';
import { planProvisioning, idempotencyKey, type PlanInput } from '../../src/provision/index.ts';
import type { CustomerRow, SubscriberRow } from '../../src/store/index.ts';

const customer = (over: Partial<CustomerRow> = {}): CustomerRow => ({
  id: 1,
  partnerId: 'acme',
  externalId: 'c-1',
  desired: {
    externalId: 'c-1',
    action: 'upsert',
    provisioningId: 'P1',
    name: 'Good Co',
    primaryEmail: 'a@good.example',
    address: { addressLine1: '1 Main St', city: 'Austin', country: 'US' },
    packages: ['webex_meetings'],
    limits: { webex_meetings: 10 },
  },
  desiredHash: 'h1',
  desiredAction: 'upsert',
  sourceRowId: 10,
  webexId: null,
  webexStatus: null,
  webexOrgId: null,
  appliedHash: null,
  ...over,
});

const subscriber = (over: Partial<SubscriberRow> = {}): SubscriberRow => ({
  id: 7,
  partnerId: 'acme',
  customerExternalId: 'c-1',
  email: 'u@good.example',
  desired: {
    customerExternalId: 'c-1',
    email: 'u@good.example',
    action: 'upsert',
    package: 'webex_meetings',
    isAdmin: false,
    firstName: 'U',
  },
  desiredHash: 's1',
  desiredAction: 'upsert',
  sourceRowId: 11,
  webexId: null,
  webexCustomerId: null,
  webexStatus: null,
  appliedHash: null,
  ...over,
});

const input = (
  customers: CustomerRow[],
  subscribers: SubscriberRow[] = [],
  over: Partial<PlanInput> = {},
): PlanInput => ({
  partner: 'acme',
  runId: 'r1',
  customers,
  subscribers,
  openCustomers: new Set(),
  openSubscribers: new Set(),
  ...over,
});

describe('planProvisioning', () => {
  it('when a customer has no Webex id, then it is created with customerInfo, address, packages and limits', () => {
    const plan = planProvisioning(input([customer()]));
    expect(plan.customers.changes).to.have.length(1);
    const change = plan.customers.changes[0]!;
    expect(change.action).to.equal('create');
    expect(change.payload).to.deep.equal({
      provisioningId: 'P1',
      packages: ['webex_meetings'],
      externalId: 'c-1',
      address: { addressLine1: '1 Main St', city: 'Austin', country: 'US' },
      customerInfo: { name: 'Good Co', primaryEmail: 'a@good.example' },
      provisioningParameters: { packages: { limits: { webex_meetings: 10 } } },
    });
  });

  it('when Webex already has the desired state, then nothing is planned', () => {
    const plan = planProvisioning(
      input([customer({ webexId: 'W1', webexStatus: 'provisioned', appliedHash: 'h1' })]),
    );
    expect(plan.customers).to.include({ unchanged: 1 });
    expect(plan.customers.changes).to.deep.equal([]);
  });

  it('when the desired state changed, then an update sends the whole package list', () => {
    const plan = planProvisioning(
      input([customer({ webexId: 'W1', webexStatus: 'provisioned', appliedHash: 'old' })]),
    );
    const change = plan.customers.changes[0]!;
    expect(change.action).to.equal('update');
    expect((change.payload as { packages: string[] }).packages).to.deep.equal(['webex_meetings']);
  });

  it('when a customer row says delete, then a known customer is deleted and an unknown one is left alone', () => {
    const plan = planProvisioning(
      input([
        customer({ desiredAction: 'delete', webexId: 'W1' }),
        customer({ id: 2, externalId: 'c-2', desiredAction: 'delete' }),
      ]),
    );
    expect(plan.customers.changes.map((c) => [c.entityKey, c.action])).to.deep.equal([
      ['c-1', 'delete'],
    ]);
    expect(plan.customers.unchanged).to.equal(1);
  });

  it('when a change for the customer is still open, then it is followed, not planned again', () => {
    const plan = planProvisioning(input([customer()], [], { openCustomers: new Set([1]) }));
    expect(plan.customers).to.deep.include({ changes: [], inFlight: 1 });
  });

  it('when the run already deleted a subscriber, then it is neither planned again nor counted unchanged', () => {
    const gone = subscriber({ desiredAction: 'delete' });
    const plan = planProvisioning(
      input([customer({ webexId: 'W1', webexStatus: 'provisioned', appliedHash: 'h1' })], [gone], {
        settledSubscribers: new Set([7]),
      }),
    );
    expect(plan.subscribers).to.deep.include({ changes: [], unchanged: 0, inFlight: 0 });
  });

  it('when the customer is not provisioned yet, then its subscribers wait', () => {
    const plan = planProvisioning(
      input([customer({ webexId: 'W1', webexStatus: 'pending_rpl_review' })], [subscriber()]),
    );
    expect(plan.subscribers).to.deep.include({ changes: [], waiting: 1 });
  });

  it('when the customer is provisioned, then a subscriber is created under its Webex id', () => {
    const plan = planProvisioning(
      input(
        [customer({ webexId: 'W1', webexStatus: 'provisioned', appliedHash: 'h1' })],
        [subscriber()],
      ),
    );
    expect(plan.subscribers.changes[0]?.payload).to.deep.equal({
      customerId: 'W1',
      email: 'u@good.example',
      packages: ['webex_meetings'],
      provisioningParameters: { firstName: 'U' },
    });
  });

  it('when Webex refused this very change before, then it is not planned again but counted refused; a changed row is planned', () => {
    const first = planProvisioning(input([customer()], []));
    const key = first.customers.changes[0]?.idempotencyKey as string;
    const again = planProvisioning({ ...input([customer()], []), refusedKeys: new Set([key]) });
    expect(again.customers.changes).to.deep.equal([]);
    expect(again.customers.refused).to.deep.equal([key]);
    const fixed = planProvisioning({
      ...input([customer({ desiredHash: 'h-fixed' })], []),
      refusedKeys: new Set([key]),
    });
    expect(fixed.customers.changes.map((c) => c.action)).to.deep.equal(['create']);
    expect(fixed.customers.refused).to.deep.equal([]);
  });

  it('when the same change is planned twice, then it has the same idempotency key; a new desired state gets a new key', () => {
    const a = planProvisioning(input([customer()])).customers.changes[0]!;
    const b = planProvisioning(input([customer()], [], { runId: 'r2' })).customers.changes[0]!;
    expect(a.idempotencyKey).to.equal(b.idempotencyKey);
    expect(idempotencyKey('acme', 'customer', 'c-1', 'create', 'h2')).not.to.equal(
      a.idempotencyKey,
    );
  });
});
