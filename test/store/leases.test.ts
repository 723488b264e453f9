import { expect } from 'chai';
import { acquireLease, readLease, releaseLease, renewLease } from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';

for (const backend of backends()) {
  describe(`store: leases (${backend})`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await t.close();
    });

    const claim = (
      owner: string,
      now: string,
      extra: Partial<Parameters<typeof acquireLease>[1]> = {},
    ) => ({
      name: 'pipeline',
      owner,
      host: 'host-a',
      pid: 100,
      now: new Date(now),
      ttlMs: 60_000,
      ...extra,
    });

    it('when the lease is free, then the first claim gets it and a second is told who holds it since when', async () => {
      expect(await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'))).to.deep.equal({
        acquired: true,
      });
      const second = await acquireLease(t.db, claim('run-2', '2026-01-01T00:00:30.000Z'));
      expect(second.acquired).to.equal(false);
      if (!second.acquired) {
        expect(second.holder.owner).to.equal('run-1');
        expect(second.holder.acquiredAt).to.equal('2026-01-01T00:00:00.000Z');
      }
    });

    it('when the holder crashed and its lease expired, then a new run takes it over', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      const later = await acquireLease(t.db, claim('run-2', '2026-01-01T00:01:00.001Z'));
      expect(later.acquired).to.equal(true);
      expect((await readLease(t.db, 'pipeline'))?.owner).to.equal('run-2');
    });

    it('when the holder process is known dead, then the lease is taken before it expires', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      const got = await acquireLease(
        t.db,
        claim('run-2', '2026-01-01T00:00:05.000Z', {
          holderProcess: (h) => (h.owner === 'run-1' ? 'dead' : 'unknown'),
        }),
      );
      expect(got.acquired).to.equal(true);
    });

    it('when the lease expired but its holder is known alive, then it stays with the holder', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      const later = await acquireLease(
        t.db,
        claim('run-2', '2026-01-01T00:05:00.000Z', { holderProcess: () => 'alive' }),
      );
      expect(later.acquired).to.equal(false);
      expect((await readLease(t.db, 'pipeline'))?.owner).to.equal('run-1');
    });

    it('when a lease was taken over, then the old owner can neither renew nor release it', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      await acquireLease(t.db, claim('run-2', '2026-01-01T00:02:00.000Z'));
      expect(
        await renewLease(t.db, 'pipeline', 'run-1', new Date('2026-01-01T00:02:01.000Z'), 60_000),
      ).to.equal(false);
      await releaseLease(t.db, 'pipeline', 'run-1');
      expect((await readLease(t.db, 'pipeline'))?.owner).to.equal('run-2');
    });

    it('when the owner renews, then the expiry moves and the lease holds against a later claim', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      expect(
        await renewLease(t.db, 'pipeline', 'run-1', new Date('2026-01-01T00:00:50.000Z'), 60_000),
      ).to.equal(true);
      const other = await acquireLease(t.db, claim('run-2', '2026-01-01T00:01:10.000Z'));
      expect(other.acquired).to.equal(false);
    });

    it('when released, then the next claim gets it at once', async () => {
      await acquireLease(t.db, claim('run-1', '2026-01-01T00:00:00.000Z'));
      await releaseLease(t.db, 'pipeline', 'run-1');
      expect(
        (await acquireLease(t.db, claim('run-2', '2026-01-01T00:00:01.000Z'))).acquired,
      ).to.equal(true);
    });

    it('when many claims race, then exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          acquireLease(t.db, claim(`run-${i}`, '2026-01-01T00:00:00.000Z')),
        ),
      );
      expect(results.filter((r) => r.acquired)).to.have.length(1);
    });
  });
}
