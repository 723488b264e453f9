import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

describe('e2e: a workbook with both sheets', () => {
  it('when a partner drops one .xlsx with customers and users, then both sheets are staged, customers first, and provisioned', async function () {
    this.timeout(90_000);
    const home = tempHome();
    const dir = path.join(home, 'inbox', 'sakura');
    mkdirSync(dir, { recursive: true });
    const wb = new ExcelJS.Workbook();
    // Subscribers come first in the workbook: the import still checks customers first.
    const users = wb.addWorksheet('ユーザー');
    users.addRow(['顧客外部ID', 'メールアドレス', '名', '姓', 'パッケージ', '管理者']);
    users.addRow(['sak-9', 'taro@sakura.example', '太郎', '山田', 'webex_meetings', 'はい']);
    const customers = wb.addWorksheet('顧客');
    customers.addRow([
      '外部ID',
      '顧客名',
      '主メールアドレス',
      '住所1',
      '市区町村',
      '国',
      'パッケージ',
      '上限 webex_meetings',
      'プロビジョニングID',
    ]);
    customers.addRow([
      'sak-9',
      'さくら商事',
      'admin@sakura.example',
      '丸の内1-1-1',
      '千代田区',
      'JP',
      'webex_meetings',
      10,
      'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2',
    ]);
    const file = path.join(dir, 'partner.xlsx');
    await wb.xlsx.writeFile(file);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);

    const res = await runCli(['nightly', '--json'], { home });
    expect(res.code, res.stderr).to.equal(0);
    const s = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(s.files.map((f) => [f.name, f.format, f.status])).to.deep.equal([
      ['partner.xlsx', 'xlsx', 'processed'],
    ]);
    expect(s.rows).to.deep.equal({ total: 2, accepted: 2, rejected: 0 });
    expect(s.customers.created).to.equal(1);
    expect(s.subscribers.created).to.equal(1);
  });
});
