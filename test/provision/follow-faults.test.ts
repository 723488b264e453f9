import { expect } from 'chai';
import { createClock } from '../../src/clock/index.ts';
import { applyProvisioning } from '../../src/provision/index.ts';
import {
  TransientError,
  type WebexCustomer,
  type WebexPort,
  type WebexSubscriber,
} from '../../src/webex/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customerDoc } from '../support/staging.ts';
import { stage, subscriberDoc } from './engine-support.ts';

/** A Webex whose user must consent to move, and whose look at that user fails while `down`. */
function consentingWebex() {
  const customers = new Map<string, WebexCustomer>();
  const subscribers = new Map<string, WebexSubscriber>();
  const state = { down: true, consented: false };
  const port = {
    listCustomers: () => Promise.resolve([...customers.values()]),
    getCustomer: (id: string) => Promise.resolve(customers.get(id) ?? null),
    createCustomer: (body: { externalId: string }) => {
      const id = `c-${customers.size + 1}`;
      customers.set(id, { id, externalId: body.externalId, status: 'provisioned' });
      return Promise.resolve({ id, trackingId: null });
    },
    listSubscribers: () => Promise.resolve([...subscribers.values()]),
    createSubscriber: (body: { customerId: string; email: string }) => {
      const sub: WebexSubscriber = {
        id: `s-${subscribers.size + 1}`,
        email: body.email,
        customerId: body.customerId,
        status: 'pending_user_migration',
      };
      subscribers.set(sub.id, sub);
      return Promise.resolve({ ...sub, trackingId: null });
    },
    getSubscriber: (id: string) => {
      if (state.down)
        return Promise.reject(
          new TransientError('503', { status: 503, trackingId: 'T', description: 'down' }),
        );
      const sub = subscribers.get(id) ?? null;
      return Promise.resolve(sub && state.consented ? { ...sub, status: 'provisioned' } : sub);
    },
  } as unknown as WebexPort;
  return { port, state };
}

for (const backend of backends()) {
  describe(`provision: following a user who must consent, when Webex fails the look (${backend})`, () => {
    let t: TestDb;
    afterEach(async () => t?.close());

    it('when the look at an awaited user meets a 5xx, then the run goes on and the change stays awaiting; once the user consents a later run records it created', async () => {
      t = await freshDb(backend);
      await stage(t.db, 'acme', [customerDoc('f-1')], [subscriberDoc('f-1', 'u@f1.example')]);
      const config = testConfig({ webex: { pollSeconds: 0.05, waitForProvisionedSeconds: 5 } });
      const clock = createClock(null);
      const webex = consentingWebex();
      await applyProvisioning(await testRunContext(t.db, config, { clock }), 'acme', webex.port);
      const awaited = (await t.db('changes').where({ entity: 'subscriber' }).first('status')) as {
        status: string;
      };
      expect(awaited.status).to.equal('awaiting');

      webex.state.down = false;
      webex.state.consented = true;
      await applyProvisioning(await testRunContext(t.db, config, { clock }), 'acme', webex.port);
      const done = (await t
        .db('changes')
        .where({ entity: 'subscriber' })
        .first('status', 'outcome')) as { status: string; outcome: string };
      expect(done).to.deep.equal({ status: 'done', outcome: 'created' });
    });
  });
}
