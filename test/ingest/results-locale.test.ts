import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { headerLocale } from '../../src/sheets/index.ts';
import { REPO_ROOT, runCli, tempHome } from '../support/cli.ts';

/**
 * Result columns and messages are in the partner's language whenever it is known (issue 18,
 * item 5): configured, or, for a partner nobody configured, the language of the sheet's header.
 */
describe('ingest: the language of a results file', () => {
  it('when the demo partner sakura, not configured, sends Japanese sheets, then its results come back in Japanese after provisioning too', async function () {
    this.timeout(120_000);
    const home = tempHome();
    const res = await runCli(['nightly', '--demo'], { home });
    expect(res.code, res.stderr).to.equal(0);
    const outbox = path.join(home, 'outbox', 'sakura');
    const users = parse(readFileSync(path.join(outbox, 'ユーザー.csv.results.csv'))) as string[][];
    expect(users[0]?.slice(-4)).to.deep.equal(['結果', 'コード', 'メッセージ', 'Webex ID']);
    expect(users.slice(1).every((r) => r[r.length - 4] === '作成済み')).to.equal(true);
    const acme = parse(
      readFileSync(path.join(home, 'outbox', 'acme', 'customers.csv.results.csv')),
    ) as string[][];
    expect(acme[0]?.slice(-4)).to.deep.equal(['result', 'code', 'message', 'webex_id']);
  });

  it('when a header is in one language, then that is its language; a tie says none', () => {
    const demo = readFileSync(
      path.join(REPO_ROOT, 'fixtures', 'demo', 'inbox', 'sakura', '顧客.csv'),
      'utf8',
    );
    const header = (parse(demo.replace(/^\uFEFF/, ''), { to: 1 }) as string[][])[0] as string[];
    expect(headerLocale(header)).to.equal('ja');
    expect(headerLocale(['ID externo', 'Nome do cliente', 'País', 'Pacotes'])).to.equal('pt-BR');
    expect(headerLocale(['External ID', 'Customer name', 'Country'])).to.equal('en');
    expect(headerLocale(['External ID', '顧客名'])).to.equal(null);
    expect(headerLocale(['Webex ID'])).to.equal(null);
  });
});
