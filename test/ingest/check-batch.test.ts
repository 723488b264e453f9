import { expect } from 'chai';
import { checkBatch, type BatchSource } from '../../src/ingest/check-batch.ts';
import type { SheetRow } from '../../src/ingest/sheet.ts';
import { createRunRules, type RowRecord, type RunRules } from '../../src/rules/index.ts';
import { mapHeaderRow, type SheetKind } from '../../src/sheets/index.ts';
import { aContext, aCustomerRow, aSubscriberRow } from '../rules/builders.ts';

/** A sheet holding `records` (one header, the same columns in every row). */
function aSheet(kind: SheetKind, records: RowRecord[]): { source: BatchSource; rows: SheetRow[] } {
  const header = Object.keys(records[0] ?? {});
  const source = {
    name: '',
    map: mapHeaderRow(kind, header),
    file: `${kind}.csv\u0000sha`,
    place: `${kind}.csv`,
  };
  const rows = records.map((r, i) => ({ row: i + 2, cells: header.map((h) => r[h] ?? '') }));
  return { source, rows };
}

function withCustomer(): RunRules {
  const rules = createRunRules(aContext());
  const { source, rows } = aSheet('customers', [aCustomerRow()]);
  checkBatch(rows, rules, source);
  return rules;
}

describe('ingest: checkBatch, a batch of rows against the run rules (issue 18)', () => {
  it('when a customer row is accepted, then it carries its desired state and hash, and no issue', () => {
    const { source, rows } = aSheet('customers', [aCustomerRow()]);
    const [checked] = checkBatch(rows, createRunRules(aContext()), source);
    expect(checked).to.include({ sheet: '', row: 2, kind: 'customer', entityKey: 'c-1' });
    expect(checked?.issues).to.deep.equal([]);
    expect(checked?.desired?.action).to.equal('upsert');
    expect(checked?.desired?.hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('when a user row has two problems, then both come back as codes and parameters, no words, and no desired state', () => {
    const { source, rows } = aSheet('subscribers', [
      aSubscriberRow({ package: 'webex_calling', is_admin: 'maybe' }),
    ]);
    const [checked] = checkBatch(rows, withCustomer(), source);
    expect(checked?.desired).to.equal(undefined);
    expect(checked?.issues.map((i) => i.code)).to.include.members([
      'INVALID_BOOLEAN',
      'PHONE_OR_EXTENSION_REQUIRED',
    ]);
    for (const issue of checked?.issues ?? []) {
      expect(issue).to.have.keys('code', 'column', 'value', 'params');
      expect(issue).not.to.have.property('message');
    }
  });

  it('when a workbook flags a cell or stored a phone as a number, then that column speaks for itself and the row is refused', () => {
    const record = aSubscriberRow({ phone_number: '81312345678' });
    const { source, rows } = aSheet('subscribers', [record]);
    const header = Object.keys(record);
    const row = rows[0] as SheetRow;
    row.cellTypes = header.map((h) => (h === 'phone_number' ? 'number' : 'text'));
    row.cellFlags = header.map((h) => (h === 'first_name' ? 'MERGED_CELLS' : null));
    const [checked] = checkBatch(rows, withCustomer(), source);
    expect(checked?.desired).to.equal(undefined);
    expect(checked?.issues.slice(0, 2).map((i) => [i.code, i.column])).to.deep.equal([
      ['MERGED_CELLS', 'first_name'],
      ['VALUE_DAMAGED', 'phone_number'],
    ]);
  });

  it('when a results file came back with a value we neutralised, then the partner’s own value is checked', () => {
    const { source, rows } = aSheet('customers', [aCustomerRow({ customer_name: "'=Acme" })]);
    const [checked] = checkBatch(rows, createRunRules(aContext()), source);
    expect((checked?.desired?.doc as { name: string }).name).to.equal('=Acme');
  });
});
