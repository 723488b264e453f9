import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeText, readCsv } from '../../src/ingest/index.ts';
import { createRunRules, type RowIssue, type RowRecord } from '../../src/rules/index.ts';

const INBOX = path.resolve(import.meta.dirname, '../../fixtures/demo/inbox');

/** Every data row of a fixture file by canonical column, read the way the import reads it. */
async function readRows(file: string) {
  const decoded = decodeText(readFileSync(file), 'cp932');
  if (!decoded.ok) throw new Error(`${file}: ${decoded.message}`);
  const csv = await readCsv(decoded.text);
  if (!csv.ok) throw new Error(`${file}: ${csv.message}`);
  const { columns, kind } = csv.sheet.map;
  const rows = csv.sheet.rows.map(({ row, cells }) => {
    const record: Record<string, string> = {};
    columns.forEach((c, i) => {
      if (c) record[c] = (cells[i] ?? '').normalize('NFKC').trim();
    });
    return { row, record: record as RowRecord };
  });
  return { kind, rows };
}

describe('the demo fixtures pass every rule', () => {
  for (const partner of readdirSync(INBOX)) {
    it(`when partner ${partner}'s demo sheets are checked, then every row is accepted`, async () => {
      const sheets = await Promise.all(
        readdirSync(path.join(INBOX, partner)).map(async (name) => ({
          name,
          ...(await readRows(path.join(INBOX, partner, name))),
        })),
      );
      sheets.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'customers' ? -1 : 1));
      const rules = createRunRules({ locale: 'en', addonsEnabled: false });
      const refused: { file: string; row: number; issues: RowIssue[] }[] = [];
      let accepted = 0;
      for (const sheet of sheets) {
        for (const { row, record } of sheet.rows) {
          const at = { file: sheet.name, row };
          const v =
            sheet.kind === 'customers'
              ? rules.checkCustomer(record, at)
              : rules.checkSubscriber(record, at);
          if (v.value) accepted += 1;
          else refused.push({ file: sheet.name, row, issues: v.issues });
        }
      }
      expect(refused).to.deep.equal([]);
      expect(accepted).to.be.greaterThan(0);
    });
  }

  it('when the acme calling customer is checked, then its location is kept and its dial-in is AMER +1', async () => {
    const { rows } = await readRows(path.join(INBOX, 'acme', 'customers.csv'));
    const rules = createRunRules({ locale: 'en' });
    const v = rules.checkCustomer(rows[0]?.record ?? {}, { file: 'customers.csv', row: 2 });
    expect(v.value?.location).to.deep.equal({
      name: 'Head Office',
      timezone: 'America/New_York',
      language: 'en_us',
    });
    expect(v.defaults).to.deep.equal([]);
    expect(v.meetings).to.deep.equal({
      location: 'AMER',
      dialIn: '+1',
      dialInSource: 'telephony-domain',
    });
  });
});
