import { expect } from 'chai';
import { backends, freshDb, type TestDb } from '../support/db.ts';

/**
 * knex resolves `trx.commit()` when the database refuses the COMMIT, and SQLite can keep the
 * connection inside the failed transaction (hazards.md). A deferred foreign key is the portable way
 * to make a COMMIT fail; test/ingest/full-disk.test.ts does it with a really full file system.
 */
for (const backend of backends()) {
  describe(`store: a COMMIT the database refuses (${backend})`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
      await t.db.schema.createTable('t_parent', (tb) => {
        tb.integer('id').primary();
      });
      // Checked at COMMIT, not at INSERT: the COMMIT is what fails.
      await t.db.raw(
        'CREATE TABLE t_child (id integer primary key, parent integer REFERENCES t_parent(id) DEFERRABLE INITIALLY DEFERRED)',
      );
    });
    afterEach(async () => {
      await t.close();
    });

    const count = async (table: string) =>
      Number(((await t.db(table).count({ n: '*' })) as { n: number }[])[0]?.n);

    it('when a transaction is committed by hand and the COMMIT is refused, then commit() rejects and nothing of it stays', async () => {
      const trx = await t.db.transaction();
      await trx('t_child').insert({ id: 1, parent: 99 });
      let refused: unknown = null;
      await trx.commit().catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/FOREIGN KEY|foreign key/);
      expect(await count('t_child')).to.equal(0);
    });

    it('when a handler transaction has its COMMIT refused, then it rejects, and the next writes are committed for real', async () => {
      let refused: unknown = null;
      await t.db
        .transaction(async (trx) => {
          await trx('t_child').insert({ id: 1, parent: 99 });
        })
        .catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/FOREIGN KEY|foreign key/);
      // Before: SQLite kept the failed transaction open on the pooled connection, so the next
      // BEGIN failed and a plain write joined the dead transaction and was lost with it.
      await t.db('t_parent').insert({ id: 1 });
      await t.db.transaction(async (trx) => {
        await trx('t_child').insert({ id: 2, parent: 1 });
      });
      expect(await count('t_parent')).to.equal(1);
      expect(await count('t_child')).to.equal(1);
      // Seen from a connection of its own: committed, not merely visible to the one that wrote it.
      const other = await t.reopen();
      try {
        const [row] = (await other('t_child').count({ n: '*' })) as { n: number }[];
        expect(Number(row?.n)).to.equal(1);
      } finally {
        await other.destroy();
      }
    });
  });
}
