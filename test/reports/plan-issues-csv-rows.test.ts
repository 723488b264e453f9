import { expect } from 'chai';
import { planIssuesCsvRows } from '../../src/reports/index.ts';
import { anIssue } from './builders.ts';

describe('planIssuesCsvRows', () => {
  it('when the locale is en, then the header lists the contract columns in order', () => {
    const [header] = planIssuesCsvRows([], 'en');
    expect(header).to.deep.equal([
      'Partner',
      'File',
      'Sheet',
      'Row',
      'Column',
      'Value',
      'Code',
      'Message',
    ]);
  });

  it('when the locale is ja or pt-BR, then the header is in that language', () => {
    expect(planIssuesCsvRows([], 'ja')[0]).to.deep.equal([
      'パートナー',
      'ファイル',
      'シート',
      '行',
      '列',
      '値',
      'コード',
      'メッセージ',
    ]);
    expect(planIssuesCsvRows([], 'pt-BR')[0]).to.deep.equal([
      'Parceiro',
      'Arquivo',
      'Planilha',
      'Linha',
      'Coluna',
      'Valor',
      'Código',
      'Mensagem',
    ]);
  });

  it('when an issue is file-level, then its absent sheet, row, column and value are empty cells', () => {
    const rows = planIssuesCsvRows(
      [
        anIssue({
          file: 'x.xlsx',
          sheet: null,
          row: null,
          column: null,
          value: null,
          code: 'FILE_FORMAT',
          message: 'encrypted',
        }),
      ],
      'en',
    );
    expect(rows).to.deep.equal([
      rows[0],
      ['acme-br', 'x.xlsx', '', '', '', '', 'FILE_FORMAT', 'encrypted'],
    ]);
  });

  it('when issues are given, then there is one record per issue after the header, in order', () => {
    const rows = planIssuesCsvRows(
      [anIssue({ row: 3 }), anIssue({ row: 9, sheet: 'Subscribers' })],
      'en',
    );
    expect(rows.map((r) => r[3])).to.deep.equal(['Row', '3', '9']);
    expect(rows[2]?.[2]).to.equal('Subscribers');
  });

  it('when a value looks like a formula, then the rows keep it verbatim (the CSV writer neutralises it)', () => {
    const rows = planIssuesCsvRows([anIssue({ value: '=1+1' })], 'en');
    expect(rows[1]?.[5]).to.equal('=1+1');
  });
});
