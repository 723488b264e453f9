import { expect } from 'chai';
import {
  BillingReportError,
  readBillingCustomerReport,
  readBillingUserReport,
} from '../../src/billing/read-billing-report.ts';
import { piecesOf } from './support.ts';

async function users(csv: string) {
  const out = [];
  for await (const r of readBillingUserReport(piecesOf(csv))) out.push(r);
  return out;
}

async function customers(csv: string) {
  const out = [];
  for await (const r of readBillingCustomerReport(piecesOf(csv))) out.push(r);
  return out;
}

async function refusal(read: Promise<unknown>): Promise<BillingReportError> {
  try {
    await read;
  } catch (err) {
    expect(err).to.be.instanceOf(BillingReportError);
    return err as BillingReportError;
  }
  throw new Error('the report was read, not refused');
}

describe('billing report reader', function () {
  it("when the headers are the simulator's, then each line is a record with the API package name and a lower-case email", async () => {
    const got = await users(
      'Customer Org ID,Customer External ID,Customer Name,Subscriber ID,User Email,Package,Start Date,End Date,Days\r\n' +
        'ORG-1,acme-1,"Acme, Inc.",S1,Ana@Acme.example,webex_calling,2026-02-01,2026-02-28,28\r\n',
    );
    expect(got).to.deep.equal([
      {
        line: 2,
        email: 'ana@acme.example',
        package: 'webex_calling',
        customerOrgId: 'ORG-1',
        customerExternalId: 'acme-1',
        subscriberId: 'S1',
        days: 28,
      },
    ]);
  });

  it('when the headers are other names of the alias table, in another order, with a BOM and unknown columns, then they are read the same', async () => {
    const got = await users(
      '\uFEFFpackage_name,Region,Email Address,Organization ID\r\n' +
        'Webex Calling,EU,bo@x.example,ORG-2\r\n',
    );
    expect(got.map((r) => [r.package, r.email, r.customerOrgId, r.days])).to.deep.equal([
      ['webex_calling', 'bo@x.example', 'ORG-2', null],
    ]);
  });

  it('when cells, quoted cells and headers have spaces around them, then they are read without them', async () => {
    const got = await users(
      ' Customer Org ID , User Email ,Package , Days\r\n' +
        ' ORG-1 ,  Ana@Acme.example , Webex Calling ,\t28 \r\n' +
        'ORG-2,bo@x.example,webex_meetings,   \r\n' +
        ' "ORG-3" , "Cy@X.example" ,"webex_meetings"  ,  "4"\r\n',
    );
    expect(got.map((r) => [r.customerOrgId, r.email, r.package, r.days])).to.deep.equal([
      ['ORG-1', 'ana@acme.example', 'webex_calling', 28],
      ['ORG-2', 'bo@x.example', 'webex_meetings', null],
      ['ORG-3', 'cy@x.example', 'webex_meetings', 4],
    ]);
  });

  it('when required columns are missing, then the report is refused naming each of them and the header found', async () => {
    const err = await refusal(users('Org ID,Login,Offer\r\nORG-1,a@x.example,webex_calling\r\n'));
    expect(err.code).to.equal('BILLING_COLUMNS');
    expect(err.message).to.contain('required column(s) not found: email (one of: User Email');
    expect(err.message).to.contain("Its header row is: 'Org ID', 'Login', 'Offer'");
    expect(err.message).to.not.contain('customerOrgId (one of');
  });

  it('when two columns mean the same field, then the report is refused naming both', async () => {
    const err = await refusal(
      users('Customer Org ID,User Email,Email,Package\r\nO,a@x.example,a@x.example,p\r\n'),
    );
    expect(err.message).to.contain("column(s) given twice: 'Email' (email)");
  });

  it('when a CUSTOMER report has no quantity column, then it is refused; with one, counts are read per day', async () => {
    const err = await refusal(customers('Customer Org ID,Package,Date\r\nO,p,2026-02-01\r\n'));
    expect(err.message).to.contain('quantity (one of: Quantity');
    const got = await customers(
      'Customer Org ID,Customer Name,Package,Date,Quantity\r\nO,Acme,webex_meetings,2026-02-01,3\r\n',
    );
    expect(got).to.deep.equal([
      {
        line: 2,
        customerOrgId: 'O',
        customerExternalId: null,
        customerName: 'Acme',
        package: 'webex_meetings',
        date: '2026-02-01',
        quantity: 3,
      },
    ]);
  });

  it('when a quantity is not a whole number, then the line and the value are named', async () => {
    const err = await refusal(
      customers('Customer Org ID,Package,Quantity\r\nO,p,1\r\nO,p,2.5\r\n'),
    );
    expect(err.code).to.equal('BILLING_MALFORMED');
    expect(err.message).to.equal("billing report line 3, quantity: '2.5' is not a whole number");
  });

  it('when a quoted cell spans lines and an empty line is skipped, then records and errors name the line in the file', async () => {
    const csv =
      'Customer Org ID,Customer Name,User Email,Package,Days\r\n' +
      'O,"Two\nlines",a@x.example,webex_meetings,28\r\n' +
      '\r\n' +
      'O,One,b@x.example,webex_meetings,28\r\n' +
      'O,One,c@x.example,webex_meetings,x\r\n';
    const err = await refusal(users(csv));
    expect(err.message).to.equal("billing report line 6, days: 'x' is not a whole number");
    const read = await users(csv.slice(0, csv.lastIndexOf('O,One,c')));
    expect(read.map((r) => r.line)).to.deep.equal([3, 5]);
  });

  it('when the CSV is broken, then it is refused as malformed', async () => {
    const err = await refusal(users('Customer Org ID,User Email,Package\r\nO,"a@x,p\r\n'));
    expect(err.code).to.equal('BILLING_MALFORMED');
  });

  it('when the report is empty, then it is refused: no header row', async () => {
    const err = await refusal(users(''));
    expect(err.message).to.contain('no header row');
  });
});
