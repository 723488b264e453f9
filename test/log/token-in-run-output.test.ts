// Issue #16, item 8: an upstream that quotes the request's Authorization header in its error text
// must not carry the partner's token into anything the command writes. A Webex on loopback answers
// every create 400 naming the bare token, and everything else 401 quoting "Bearer <token>"; the
// command runs nightly, then reconcile --json, with the token in its environment. Then every sink
// is searched: stdout, stderr, each report file (workbooks read cell by cell), the results files,
// the log files, the archived and quarantined files, and the SQLite ledger (its bytes, its -wal,
// and every value of every table).
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Summary } from '../../src/reports/index.ts';
import { openDb } from '../../src/store/index.ts';
import { runCli, tempHome, writeConfig, type CliResult } from '../support/cli.ts';

const TOKEN =
  'NzFhYzRjMmQtZWYwNy00YjU1LWE2ZjEtYjYzNjE0ZDk4ZmQ1MTJh_PF84_1eb65fdf-9643-417f-9974-ad72cae0e10f';
const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';

/** Every file under `dir`, recursively (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** A file's text as a person or a program reads it: a workbook cell by cell, anything else as bytes. */
async function readableText(file: string): Promise<string> {
  if (!file.endsWith('.xlsx')) return readFileSync(file).toString('latin1');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const cells: string[] = [];
  wb.eachSheet((sheet) =>
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(JSON.stringify(cell.value)))),
  );
  expect(cells.length, file).to.be.greaterThan(0);
  return cells.join('\n');
}

/** Every value of every table of the SQLite ledger, as JSON. */
async function ledgerText(file: string): Promise<string> {
  const db = openDb({ client: 'sqlite3', connection: file });
  try {
    const tables = (await db('sqlite_master').where('type', 'table').pluck('name')) as string[];
    expect(tables).to.include.members(['changes', 'runs', 'row_outcomes', 'files']);
    const rows = await Promise.all(tables.map(async (t) => [t, await db(t).select()]));
    return JSON.stringify(rows);
  } finally {
    await db.destroy();
  }
}

describe('a token quoted back by Webex never reaches the run output', () => {
  let server: Server;
  afterEach(() => server?.close());

  it('when Webex answers 400 and 401 quoting the Authorization header, then no output of nightly and reconcile holds the token, and each still says what went wrong', async function () {
    this.timeout(120_000);
    const seen: string[] = [];
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      seen.push(auth);
      const create = req.method === 'POST' && req.url === '/v1/wholesale/customers';
      const body = create
        ? {
            message: 'Bad request',
            errors: [
              {
                errorCode: 4003,
                description: `token ${auth.replace(/^Bearer /, '')} lacks a scope`,
              },
            ],
            trackingId: 'LEAKY_400',
          }
        : { message: `invalid token ${auth}`, trackingId: 'LEAKY_401' };
      res
        .writeHead(create ? 400 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;

    const home = tempHome();
    writeConfig(home, {
      webex: { baseUrl: `http://127.0.0.1:${port}/v1`, requestsPerSecond: 50 },
      partners: {
        leaky: { webex: { tokenEnv: 'LEAKY_WEBEX_TOKEN' }, provisioningId: PROVISIONING_ID },
      },
    });
    const inbox = path.join(home, 'inbox', 'leaky');
    mkdirSync(inbox, { recursive: true });
    const sheet = path.join(inbox, 'customers.csv');
    writeFileSync(
      sheet,
      'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages\r\n' +
        'lk-1,Leaky One,a@leaky.example,1 Main St,Austin,TX,78701,US,webex_meetings\r\n',
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(sheet, old, old);
    const env = { LEAKY_WEBEX_TOKEN: TOKEN };

    const nightly = await runCli(['nightly'], { home, env });
    const reconcile = await runCli(['reconcile', '--json'], { home, env });
    // Webex was asked with the token, and answered with it.
    expect(seen).to.include(`Bearer ${TOKEN}`);
    expect(nightly.code, nightly.stderr).to.equal(1); // the refused create
    expect(reconcile.code, reconcile.stderr).to.be.oneOf([0, 1]);

    const outputs: [string, string][] = [];
    const add = (name: string, run: CliResult) =>
      outputs.push([`${name} stdout`, run.stdout], [`${name} stderr`, run.stderr]);
    add('nightly', nightly);
    add('reconcile', reconcile);
    const files = ['reports', 'outbox', 'archive', 'quarantine', path.join('var', 'logs')].flatMap(
      (d) => filesUnder(path.join(home, d)),
    );
    for (const file of files) outputs.push([file, await readableText(file)]);
    const ledger = path.join(home, 'var', 'rtm-batch.sqlite');
    for (const file of [ledger, `${ledger}-wal`, `${ledger}-journal`].filter((f) => existsSync(f)))
      outputs.push([file, readFileSync(file).toString('latin1')]);
    outputs.push(['ledger values', await ledgerText(ledger)]);

    const names = outputs.map(([name]) => path.relative(home, name));
    for (const kind of ['summary.json', 'report.html', 'report.xlsx', 'issues.csv'])
      expect(names.filter((n) => n.endsWith(kind))).to.have.length(2);
    expect(names.some((n) => n.endsWith('customers.csv.results.csv'))).to.equal(true);
    expect(names.some((n) => n.startsWith(path.join('var', 'logs')))).to.equal(true);
    for (const [name, text] of outputs)
      expect(text.includes(TOKEN), `the token is in ${name}`).to.equal(false);

    // What went wrong is still said, with the token masked.
    const summary = JSON.parse(reconcile.stdout) as Summary;
    expect(summary.notes.join('\n')).to.contain('Webex refused its token');
    expect(summary.notes.join('\n')).to.contain('invalid token Bearer [REDACTED]');
    const [, issues] = outputs.find(([n]) => n.endsWith('issues.csv')) as [string, string];
    expect(issues).to.contain('API_REJECTED').and.to.contain('token [REDACTED] lacks a scope');
    expect(issues).to.contain('LEAKY_400');
  });
});
