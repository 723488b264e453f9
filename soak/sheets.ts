// Renders the generator's drops into the bytes partners send: CSV in UTF-8 (sometimes with a BOM),
// cp932 with Japanese headers, windows-1252 with `;` and Portuguese headers, and workbooks.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import {
  PARTNERS,
  type CustomerRow,
  type Drop,
  type Locale,
  type PartnerSpec,
  type UserRow,
} from './generate.ts';
import { hashSeed } from './prng.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';

const CUSTOMER_HEADERS: Record<Locale, string[]> = {
  en: [
    'External ID',
    'Customer name',
    'Primary email',
    'Address line 1',
    'Address line 2',
    'City',
    'State or province',
    'Postal code',
    'Country',
    'Packages',
    'Provisioning ID',
    'Location time zone',
    'Location language',
    'Action',
  ],
  ja: [
    '外部ID',
    '顧客名',
    '主メールアドレス',
    '住所1',
    '住所2',
    '市区町村',
    '都道府県',
    '郵便番号',
    '国',
    'パッケージ',
    'プロビジョニングID',
    'ロケーションのタイムゾーン',
    'ロケーションの言語',
    '操作',
  ],
  'pt-BR': [
    'ID externo',
    'Nome do cliente',
    'E-mail principal',
    'Endereço linha 1',
    'Endereço linha 2',
    'Cidade',
    'Estado',
    'CEP',
    'País',
    'Pacotes',
    'ID de provisionamento',
    'Fuso horário do local',
    'Idioma do local',
    'Ação',
  ],
};
const USER_HEADERS: Record<Locale, string[]> = {
  en: ['Customer external ID', 'Email', 'First name', 'Last name', 'Package', 'Admin', 'Action'],
  ja: ['顧客外部ID', 'メールアドレス', '名', '姓', 'パッケージ', '管理者', '操作'],
  'pt-BR': [
    'ID externo do cliente',
    'E-mail',
    'Nome',
    'Sobrenome',
    'Pacote',
    'Administrador',
    'Ação',
  ],
};
const NO: Record<Locale, string> = { en: 'no', ja: 'いいえ', 'pt-BR': 'não' };
/** The columns a results file adds (src/results/write-results-files.ts), as a partner sends them back. */
const RESULT_HEADERS: Record<Locale, string[]> = {
  en: ['result', 'code', 'message', 'webex_id'],
  ja: ['結果', 'コード', 'メッセージ', 'Webex ID'],
  'pt-BR': ['resultado', 'código', 'mensagem', 'webex_id'],
};

function customerCells(c: CustomerRow): string[] {
  return [
    c.externalId,
    c.name,
    c.email,
    c.line1,
    c.line2,
    c.city,
    c.state,
    c.zip,
    c.country,
    c.packages,
    PROVISIONING_ID,
    c.timezone,
    c.language,
    c.action,
  ];
}

function userCells(u: UserRow, locale: Locale): string[] {
  return [u.customer, u.email, u.first, u.last, u.package, NO[locale], u.action];
}

/** Rows as Excel writes them: a delimiter, fields quoted only when needed, CRLF. */
function csvText(rows: readonly (readonly string[])[], delimiter: string, eol: string): string {
  const quote = (f: string) =>
    f.includes(delimiter) || f.includes('"') || /[\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
  return rows.map((r) => r.map(quote).join(delimiter)).join(eol) + eol;
}

function partnerOf(id: string): PartnerSpec {
  const p = PARTNERS.find((x) => x.id === id);
  if (!p) throw new Error(`no partner ${id}`);
  return p;
}

function encode(text: string, p: PartnerSpec, bom: boolean): Buffer {
  if (p.encoding === 'cp932' || p.encoding === 'windows-1252')
    return iconv.encode(text, p.encoding);
  return Buffer.concat([
    bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
    Buffer.from(text, 'utf8'),
  ]);
}

/** The bytes of a sheet or broken drop (a re-drop is the harness's business: the same bytes again). */
export async function renderDrop(drop: Exclude<Drop, { kind: 'redrop' }>): Promise<Buffer> {
  const p = partnerOf(drop.partner);
  // Small variations a partner's tools make, fixed by the file's name.
  const h = hashSeed(drop.partner, drop.name);
  const eol = h % 3 === 0 ? '\n' : '\r\n';
  const bom = p.encoding === 'utf-8' && h % 4 === 1;
  if (drop.kind === 'broken') {
    if (drop.how === 'garbage')
      return Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + h) % 256));
    const header = CUSTOMER_HEADERS[p.locale].join(p.delimiter);
    if (drop.how === 'header-only') return encode(header + eol, p, bom);
    return encode(`${header}${eol}${p.id}-q,"Unclosed quote${p.delimiter}x${eol}`, p, bom);
  }
  if (p.format === 'xlsx') return renderWorkbook(drop, p.locale);
  const extra = drop.resultsColumns ? RESULT_HEADERS[p.locale] : [];
  const rows: string[][] = [];
  if (drop.customers) {
    rows.push([...CUSTOMER_HEADERS[p.locale], ...extra]);
    for (const c of drop.customers)
      rows.push([
        ...customerCells(c),
        ...(drop.resultsColumns ? ['rejected', 'INVALID_EMAIL', 'fixed', ''] : []),
      ]);
  } else if (drop.users) {
    rows.push(USER_HEADERS[p.locale]);
    for (const u of drop.users) rows.push(userCells(u, p.locale));
  }
  return encode(csvText(rows, p.delimiter, eol), p, bom);
}

async function renderWorkbook(drop: Drop & { kind: 'sheet' }, locale: Locale): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const fixed = new Date(Date.UTC(2026, 0, 1));
  wb.created = fixed;
  wb.modified = fixed;
  wb.creator = 'soak';
  // Users first now and then: the import still reads the customers sheet first.
  const usersFirst = hashSeed(drop.name) % 2 === 0;
  const addUsers = () => {
    if (!drop.users) return;
    const ws = wb.addWorksheet('Users');
    ws.addRow(USER_HEADERS[locale]);
    for (const u of drop.users) ws.addRow(userCells(u, locale));
  };
  if (usersFirst) addUsers();
  if (drop.customers) {
    const ws = wb.addWorksheet('Customers');
    ws.addRow(CUSTOMER_HEADERS[locale]);
    for (const c of drop.customers) ws.addRow(customerCells(c));
  }
  if (!usersFirst) addUsers();
  return Buffer.from(await wb.xlsx.writeBuffer());
}
