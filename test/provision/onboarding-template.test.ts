import { expect } from 'chai';
import path from 'node:path';
import type { Summary } from '../../src/reports/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { dropFile } from '../support/sheets.ts';
import { startTestSimulator } from '../webex/simulator-support.ts';

/** Customers without a Provisioning ID column: the partner leaves the template to its provider. */
const SHEET =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages\n' +
  'tp-1,Template One,it@tp1.example,1 Main Street,Austin,TX,78701,US,webex_meetings\n' +
  'tp-2,Template Two,it@tp2.example,2 Main Street,Austin,TX,78701,US,webex_meetings\n';

/**
 * A partner whose onboarding template (provisioningId) nobody configured (issue 18, item 5): not
 * a problem of each of its rows, but one thing for the operator to set.
 */
describe('provision: a partner without an onboarding template', () => {
  let sim: RunningSimulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('when its Webex is real, then its rows are accepted, its customers wait with one attention item, and once set the next run creates them', async function () {
    this.timeout(120_000);
    sim = await startTestSimulator({ provisioningSeconds: 0.1 });
    const home = tempHome();
    const partner = (extra: object) => ({
      inbox: { stableSeconds: 0 },
      webex: { baseUrl: sim!.url, requestsPerSecond: 100, pollSeconds: 0.1 },
      partners: { tp: { webex: { tokenEnv: 'TP_TOKEN' }, ...extra } },
    });
    writeConfig(home, partner({}));
    dropFile(path.join(home, 'inbox', 'tp'), 'customers.csv', SHEET);
    const env = { TP_TOKEN: 'tp-token-1234' };
    const first = await runCli(['nightly', '--json'], { home, env });
    const s1 = JSON.parse(first.stdout) as Summary;
    expect(s1.rows).to.deep.equal({ total: 2, accepted: 2, rejected: 0 });
    expect(s1.issueCounts).not.to.have.property('REQUIRED');
    expect(s1.customers).to.include({ created: 0, pending: 2 });
    expect(first.code, first.stderr).to.equal(1);
    expect(s1.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
      ['partner_config', 'tp', 2],
    ]);
    expect(s1.attention[0]?.message).to.contain('partners.tp.provisioningId');
    expect(sim.state.customers.size).to.equal(0);

    writeConfig(home, partner({ provisioningId: 'TEMPLATE-FROM-PARTNER-HUB' }));
    const second = await runCli(['nightly', '--json'], { home, env });
    const s2 = JSON.parse(second.stdout) as Summary;
    expect(second.code, second.stderr).to.equal(0);
    expect(s2.customers).to.include({ created: 2, pending: 0 });
    expect(s2.attention).to.deep.equal([]);
    expect(sim.stats().createsByExternalId).to.deep.equal({ 'tp-1': 1, 'tp-2': 1 });
  });

  it('when its Webex is the embedded simulator, then its customers are created without one', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    dropFile(path.join(home, 'inbox', 'tp'), 'customers.csv', SHEET);
    const res = await runCli(['nightly', '--json'], { home });
    const s = JSON.parse(res.stdout) as Summary;
    expect(res.code, res.stderr).to.equal(0);
    expect(s.customers).to.include({ created: 2 });
  });
});
