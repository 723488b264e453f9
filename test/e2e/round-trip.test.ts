import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { dropFile } from '../support/sheets.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';

async function nightly(home: string): Promise<Summary> {
  const res = await runCli(['nightly', '--json'], { home });
  const s = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(s), res.stderr).to.deep.equal([]);
  return s;
}

/** A worksheet row's cells as text (results workbooks store text as rich inline strings). */
const texts = (row: ExcelJS.Row): string[] =>
  Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).text);

/** How often the embedded simulator holds each customer external id. */
function webexCustomers(home: string): Record<string, number> {
  const state = JSON.parse(
    readFileSync(path.join(home, 'var', 'simulator', 'state.json'), 'utf8'),
  ) as { customers: { externalId: string }[] };
  const count: Record<string, number> = {};
  for (const c of state.customers) count[c.externalId] = (count[c.externalId] ?? 0) + 1;
  return count;
}

/**
 * A partner fixes a cell in the results file we sent and drops it back (issue 18, item 4): it
 * is read as a normal sheet, our own columns left out, the values we neutralised read as the
 * partner wrote them, the rows already done reported unchanged, and nothing is created twice.
 */
describe('e2e: a results file sent back with a cell fixed', () => {
  it('when a Japanese partner fixes a refused row in its cp932 results CSV and drops it back, then that row is created and the other is unchanged', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, {
      inbox: { stableSeconds: 0 },
      partners: { sakura: { locale: 'ja', encoding: 'cp932' } },
    });
    const inbox = path.join(home, 'inbox', 'sakura');
    const header = [
      '外部ID',
      '顧客名',
      '主メールアドレス',
      '住所1',
      '市区町村',
      '国',
      'パッケージ',
      'プロビジョニングID',
    ];
    const rows = [
      // A name a spreadsheet would run as a formula: the results file neutralises it ('=…).
      [
        'rt-1',
        '=さくら商事',
        'a@rt1.example',
        '丸の内1-1-1',
        '千代田区',
        'JP',
        'webex_meetings',
        PROVISIONING_ID,
      ],
      [
        'rt-2',
        '桜運輸',
        'a@rt2.example',
        '丸の内2-2-2',
        '千代田区',
        '日本',
        'webex_meetings',
        PROVISIONING_ID,
      ],
    ];
    dropFile(
      inbox,
      '顧客.csv',
      iconv.encode(stringify([header, ...rows], { record_delimiter: '\r\n' }), 'cp932'),
    );
    const first = await nightly(home);
    expect(first.rows).to.deep.equal({ total: 2, accepted: 1, rejected: 1 });
    expect(first.issueCounts).to.include({ INVALID_COUNTRY: 1 });

    const resultsPath = path.join(home, 'outbox', 'sakura', '顧客.csv.results.csv');
    const results = parse(iconv.decode(readFileSync(resultsPath), 'cp932')) as string[][];
    expect(results[0]).to.deep.equal([...header, '結果', 'コード', 'メッセージ', 'Webex ID']);
    expect(results[1]?.[1]).to.equal("'=さくら商事");
    // The partner corrects the country of the refused row, and sends the file back as it is.
    const fixed = results.map((r) => [...r]);
    (fixed[2] as string[])[5] = 'JP';
    dropFile(
      inbox,
      '顧客.csv.results.csv',
      iconv.encode(stringify(fixed, { record_delimiter: '\r\n' }), 'cp932'),
    );
    const second = await nightly(home);
    expect(second.rows).to.deep.equal({ total: 2, accepted: 2, rejected: 0 });
    expect(second.customers).to.include({ created: 1, failed: 0 });
    expect(webexCustomers(home)).to.deep.equal({ 'rt-1': 1, 'rt-2': 1 });

    const back = parse(
      iconv.decode(
        readFileSync(path.join(home, 'outbox', 'sakura', '顧客.csv.results.csv.results.csv')),
        'cp932',
      ),
    ) as string[][];
    // One set of our columns, the partner's cells as they were, each row's outcome in Japanese.
    expect(back[0]).to.deep.equal([...header, '結果', 'コード', 'メッセージ', 'Webex ID']);
    expect(back.slice(1).map((r) => [r[0], r[1], r[8]])).to.deep.equal([
      ['rt-1', "'=さくら商事", '変更なし'],
      ['rt-2', '桜運輸', '作成済み'],
    ]);
  });

  it('when a Brazilian partner fixes a refused user in its results workbook and drops it back, then the user is created and nothing twice', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 }, partners: { brasil: { locale: 'pt-BR' } } });
    const inbox = path.join(home, 'inbox', 'brasil');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Clientes').addRows([
      [
        'ID externo',
        'Nome do cliente',
        'E-mail principal',
        'Endereço linha 1',
        'Cidade',
        'Estado',
        'CEP',
        'País',
        'Pacotes',
        'ID de provisionamento',
      ],
      [
        'br-1',
        'Padaria São João',
        'ti@br1.example',
        'Rua A, 1',
        'São Paulo',
        'SP',
        '01001-000',
        'BR',
        'webex_meetings',
        PROVISIONING_ID,
      ],
    ]);
    wb.addWorksheet('Usuários').addRows([
      ['ID externo do cliente', 'E-mail', 'Nome', 'Sobrenome', 'Pacote', 'Administrador'],
      ['br-1', 'ana@br1.example', 'Ana', 'Souza', 'webex_meetings', 'não'],
      ['br-1', 'bia@br1.example', 'Bia', 'Lima', 'webex_meetings', 'talvez'],
    ]);
    dropFile(inbox, 'clientes.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const first = await nightly(home);
    expect(first.rows).to.deep.equal({ total: 3, accepted: 2, rejected: 1 });

    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(path.join(home, 'outbox', 'brasil', 'clientes.xlsx.results.xlsx'));
    const users = back.getWorksheet('Usuários') as ExcelJS.Worksheet;
    expect(texts(users.getRow(1)).slice(-4)).to.deep.equal([
      'resultado',
      'código',
      'mensagem',
      'webex_id',
    ]);
    users.getRow(3).getCell(6).value = 'não'; // the partner's fix
    dropFile(inbox, 'clientes.xlsx.results.xlsx', Buffer.from(await back.xlsx.writeBuffer()));
    const second = await nightly(home);
    expect(second.rows).to.deep.equal({ total: 3, accepted: 3, rejected: 0 });
    expect(second.subscribers).to.include({ created: 1, failed: 0 });
    expect(webexCustomers(home)).to.deep.equal({ 'br-1': 1 });

    const again = new ExcelJS.Workbook();
    await again.xlsx.readFile(
      path.join(home, 'outbox', 'brasil', 'clientes.xlsx.results.xlsx.results.xlsx'),
    );
    const sheet = again.getWorksheet('Usuários') as ExcelJS.Worksheet;
    expect(texts(sheet.getRow(1))).to.deep.equal([
      'ID externo do cliente',
      'E-mail',
      'Nome',
      'Sobrenome',
      'Pacote',
      'Administrador',
      'resultado',
      'código',
      'mensagem',
      'webex_id',
    ]);
    expect([2, 3].map((r) => sheet.getRow(r).getCell(7).text)).to.deep.equal([
      'inalterado',
      'criado',
    ]);
  });
});
