import { expect } from 'chai';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HTML_ROW_LIMIT, type Summary } from '../../src/reports/index.ts';
import { tempHome } from '../support/cli.ts';
import { runMeasured, stageLargePlan } from '../support/large-plan.ts';

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) if (line) n += 1;
  return n;
}

describe('provision --dry-run: a plan of 200,000 changes (issue 18, item 2)', () => {
  it('when the plan is larger than a call stack holds, then the dry run plans it all into plan.csv, keeps a sample for the report and exits as the real run would', async function () {
    this.timeout(300_000);
    const home = tempHome();
    const N = 200_000;
    await stageLargePlan(home, N);
    const res = await runMeasured(['provision', '--dry-run', '--json'], home);
    expect(res.stderr).not.to.match(/Maximum call stack/);
    expect(res.code, res.stderr.slice(0, 500)).to.equal(0);
    const s = JSON.parse(res.stdout) as Summary;
    // The customer and every user that waits for it are to be created.
    const none = { update: 0, delete: 0, unchanged: 0 };
    expect(s.plan).to.deep.include({ create: N + 1, ...none });
    expect(s.plan?.customers).to.deep.equal({ create: 1, ...none });
    expect(s.plan?.subscribers).to.deep.equal({ create: N, ...none });
    // Every line is in plan.csv (after its header); the report lists the first ones and links it.
    expect(s.plan?.file).to.equal(path.join(s.reportDir, 'plan.csv'));
    expect(await countLines(s.plan?.file as string)).to.equal(N + 2);
    const html = readFileSync(path.join(s.reportDir, 'report.html'), 'utf8');
    expect(html).to.include('href="plan.csv"');
    expect(html).to.include('u0@big.example');
    expect(html.match(/@big\.example/g)?.length).to.equal(HTML_ROW_LIMIT);
    // The heading counts the whole plan, not the lines the page shows.
    expect(html).to.match(/<h2>[^<]*<span class="muted">\(200,001\)<\/span><\/h2>/);
    // Not every line in memory: 200,000 plan lines and ledger rows held at once took far more.
    console.log(`      peak RSS of the dry run: ${res.peakMB.toFixed(0)} MB`);
    expect(res.peakMB).to.be.lessThan(250);
  });
});
