import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locale } from '../../src/config/index.ts';
import { columnLabel } from '../../src/sheets/index.ts';
import { templateColumns, TEMPLATE_ROWS, writeTemplate } from '../../src/ingest/template.ts';
import { readWorkbook } from '../../src/ingest/xlsx/index.ts';
import { COUNTRY_CODES, countryName, SUBSCRIBER_PACKAGES } from '../../src/rules/index.ts';

const SHEETS: Record<Locale, [string, string, string]> = {
  en: ['Customers', 'Subscribers', 'Notes'],
  ja: ['顧客', 'ユーザー', '説明'],
  'pt-BR': ['Clientes', 'Usuários', 'Instruções'],
};
const YES_NO: Record<Locale, string> = {
  en: '"yes,no"',
  ja: '"はい,いいえ"',
  'pt-BR': '"sim,não"',
};

type Validations = Record<string, ExcelJS.DataValidation | undefined>;

/** Our own template, so the full reader is fine here (never on partner files). */
async function open(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

function validations(sheet: ExcelJS.Worksheet): Validations {
  return (sheet as unknown as { dataValidations: { model: Validations } }).dataValidations.model;
}

function letterOf(kind: 'customers' | 'subscribers', canonical: string): string {
  const index = templateColumns(kind).indexOf(canonical);
  if (index < 0) throw new Error(`${canonical} is not a template column`);
  return String.fromCharCode(65 + index);
}

describe('writeTemplate', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-template-test-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const locale of ['en', 'ja', 'pt-BR'] as const) {
    describe(`in ${locale}`, () => {
      let file = '';
      let wb: ExcelJS.Workbook;
      before(async () => {
        file = path.join(dir, `template-${locale}.xlsx`);
        await writeTemplate(file, locale);
        wb = await open(file);
      });

      it('when the template is read back, then both sheets are recognised with every column and no rows', async () => {
        const res = await readWorkbook(file);
        if (!res.ok) throw new Error(res.message);
        const [customers, subscribers, notes] = SHEETS[locale];
        expect(
          res.sheets.map((s) => [s.name, s.map.kind, s.headerRow, s.rows.length]),
        ).to.deep.equal([
          [customers, 'customers', 1, 0],
          [subscribers, 'subscribers', 1, 0],
        ]);
        expect(res.sheets[0]?.map.columns).to.deep.equal(templateColumns('customers'));
        expect(res.sheets[1]?.map.columns).to.deep.equal(templateColumns('subscribers'));
        expect(res.sheets[0]?.map.columns).to.include.members([
          'limit_webex_calling',
          'limit_webex_meetings',
        ]);
        expect(res.notes[0]).to.equal(
          `sheet '${notes}' has no header row we recognise in rows 1–6 and was not read`,
        );
      });

      it('when opened, then headers are in the locale and frozen', () => {
        const sheet = wb.getWorksheet(SHEETS[locale][1]) as ExcelJS.Worksheet;
        expect(sheet.getRow(1).values).to.deep.equal([
          undefined,
          ...templateColumns('subscribers').map((c) => columnLabel('subscribers', c, locale)),
        ]);
        expect(sheet.views[0]).to.include({ state: 'frozen', ySplit: 1 });
      });

      it('when opened, then Package, Admin, Country and Action have drop-down lists and limits take whole numbers', () => {
        const customers = validations(wb.getWorksheet(SHEETS[locale][0]) as ExcelJS.Worksheet);
        const subscribers = validations(wb.getWorksheet(SHEETS[locale][1]) as ExcelJS.Worksheet);
        const at = (
          v: Validations,
          letter: string,
          row: number,
        ): ExcelJS.DataValidation | undefined => v[`${letter}${row}`];

        const pkg = at(subscribers, letterOf('subscribers', 'package'), 2);
        expect(pkg).to.include({ type: 'list', showErrorMessage: true });
        expect(pkg?.formulae[0]).to.match(/!\$C\$2:\$C\$10$/);
        expect(at(subscribers, letterOf('subscribers', 'is_admin'), 2)?.formulae).to.deep.equal([
          YES_NO[locale],
        ]);
        expect(at(subscribers, letterOf('subscribers', 'action'), 2)?.formulae).to.deep.equal([
          '"upsert,delete"',
        ]);
        const country = at(customers, letterOf('customers', 'country'), TEMPLATE_ROWS + 1);
        expect(country?.type).to.equal('list');
        expect(country?.formulae[0]).to.match(/!\$A\$2:\$A\$250$/);
        expect(at(customers, letterOf('customers', 'limit_webex_calling'), 2)).to.include({
          type: 'whole',
          operator: 'greaterThanOrEqual',
        });
        // Packages on a customer are a list of several: free text, explained on its header.
        expect(at(customers, letterOf('customers', 'packages'), 2)).to.equal(undefined);
        const header = (wb.getWorksheet(SHEETS[locale][0]) as ExcelJS.Worksheet).getCell(
          `${letterOf('customers', 'packages')}1`,
        );
        expect(JSON.stringify(header.note)).to.contain('webex_calling, webex_meetings');
        expect(at(customers, letterOf('customers', 'country'), TEMPLATE_ROWS + 2)).to.equal(
          undefined,
        );
      });

      it('when opened, then the lists behind the drop-downs hold every ISO country and the user packages', () => {
        const lists = wb.worksheets.find((s) => s.state === 'hidden') as ExcelJS.Worksheet;
        const column = (n: number, rows: number): unknown[] =>
          Array.from({ length: rows }, (_, i) => lists.getCell(i + 2, n).value);
        const codes = column(1, 249) as string[];
        expect(new Set(codes).size).to.equal(249);
        expect(codes).to.include.members(['BR', 'JP', 'US', 'GB', 'DE']);
        expect(lists.getCell(251, 1).value).to.equal(null);
        const known = new Intl.DisplayNames(['en'], { type: 'region' });
        expect(codes.filter((c) => known.of(c) === c)).to.deep.equal([]);
        expect(column(3, SUBSCRIBER_PACKAGES.length)).to.deep.equal([...SUBSCRIBER_PACKAGES]);
      });

      it('when opened, then the country list and its names are the rules’ own table, in the locale', () => {
        const lists = wb.worksheets.find((s) => s.state === 'hidden') as ExcelJS.Worksheet;
        const codes = COUNTRY_CODES.map((_, i) => lists.getCell(i + 2, 1).value);
        expect(codes).to.deep.equal([...COUNTRY_CODES]);
        const row = COUNTRY_CODES.indexOf('JP') + 2;
        expect(lists.getCell(row, 2).value).to.equal(countryName('JP', locale));
        expect(countryName('JP', locale)).to.equal(
          { en: 'Japan', ja: '日本', 'pt-BR': 'Japão' }[locale],
        );
      });

      it('when opened, then phone, extension, postal-code and ID columns are formatted as Text', () => {
        const customers = wb.getWorksheet(SHEETS[locale][0]) as ExcelJS.Worksheet;
        const subscribers = wb.getWorksheet(SHEETS[locale][1]) as ExcelJS.Worksheet;
        const fmt = (sheet: ExcelJS.Worksheet, kind: 'customers' | 'subscribers', c: string) =>
          sheet.getColumn(letterOf(kind, c)).numFmt;
        expect(fmt(subscribers, 'subscribers', 'phone_number')).to.equal('@');
        expect(fmt(subscribers, 'subscribers', 'extension')).to.equal('@');
        expect(fmt(subscribers, 'subscribers', 'customer_external_id')).to.equal('@');
        expect(fmt(customers, 'customers', 'zip_or_postal_code')).to.equal('@');
        expect(fmt(customers, 'customers', 'external_id')).to.equal('@');
        expect(fmt(customers, 'customers', 'customer_name')).to.equal(undefined);
      });

      it('when opened, then the notes sheet explains every column of both sheets in the locale', () => {
        const notes = wb.getWorksheet(SHEETS[locale][2]) as ExcelJS.Worksheet;
        const explained = new Set<string>();
        notes.eachRow((row) => {
          const [, sheet, label, text] = row.values as unknown[];
          if (typeof text === 'string' && text.length > 0)
            explained.add(`${String(sheet)}|${String(label)}`);
        });
        for (const kind of ['customers', 'subscribers'] as const) {
          const sheetName = SHEETS[locale][kind === 'customers' ? 0 : 1];
          for (const c of templateColumns(kind))
            expect(explained, `${kind} ${c}`).to.include(
              `${sheetName}|${columnLabel(kind, c, locale)}`,
            );
        }
      });
    });
  }
});
