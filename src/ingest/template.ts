import type ExcelJS from 'exceljs';
import type { Locale } from '../config/index.ts';
import {
  COUNTRY_CODES,
  countryName,
  CUSTOMER_PACKAGES,
  SUBSCRIBER_PACKAGES,
} from '../rules/index.ts';
import {
  columnLabel,
  CUSTOMER_COLUMNS,
  SUBSCRIBER_COLUMNS,
  type SheetKind,
} from '../sheets/index.ts';

// `rtm-batch template`: the blank workbook partners fill in (contract §4). Its headers are the
// labels readWorkbook recognises; drop-down lists and Text-formatted number-like columns keep
// Excel from turning valid values into damaged ones.

/** Data rows that get drop-down lists; Control Hub takes at most 20,000 users per file. */
export const TEMPLATE_ROWS = 20_000;

/** `Limit <package>` columns the template offers; partners add others the same way. */
export const TEMPLATE_LIMIT_PACKAGES = ['webex_calling', 'webex_meetings', 'webex_suite'] as const;

/** Columns formatted as Text: Excel would drop a leading + or 0, or round long numbers. */
const TEXT_COLUMNS = new Set([
  'external_id',
  'zip_or_postal_code',
  'org_id',
  'customer_external_id',
  'phone_number',
  'extension',
]);

type Text = Record<Locale, string>;

const SHEET_NAMES: Record<SheetKind | 'notes' | 'lists', Text> = {
  customers: { en: 'Customers', ja: '顧客', 'pt-BR': 'Clientes' },
  subscribers: { en: 'Subscribers', ja: 'ユーザー', 'pt-BR': 'Usuários' },
  notes: { en: 'Notes', ja: '説明', 'pt-BR': 'Instruções' },
  lists: { en: 'Lists', ja: 'リスト', 'pt-BR': 'Listas' },
};

const YES_NO: Record<Locale, [string, string]> = {
  en: ['yes', 'no'],
  ja: ['はい', 'いいえ'],
  'pt-BR': ['sim', 'não'],
};

const UI = {
  sheet: { en: 'Sheet', ja: 'シート', 'pt-BR': 'Planilha' },
  column: { en: 'Column', ja: '列', 'pt-BR': 'Coluna' },
  what: { en: 'What to enter', ja: '入力内容', 'pt-BR': 'O que preencher' },
  title: {
    en: 'How to fill in this workbook',
    ja: 'このブックの記入方法',
    'pt-BR': 'Como preencher esta pasta de trabalho',
  },
  rows: {
    en: "One row per customer in the sheet '{customers}', one row per user in the sheet '{subscribers}'. Keep the header row as it is; optional columns may stay empty.",
    ja: 'シート「{customers}」に顧客を1行ずつ、シート「{subscribers}」にユーザーを1行ずつ記入してください。見出し行は変更しないでください。任意の列は空欄のままで構いません。',
    'pt-BR':
      "Uma linha por cliente na planilha '{customers}' e uma linha por usuário na planilha '{subscribers}'. Não altere a linha de cabeçalho; colunas opcionais podem ficar vazias.",
  },
  state: {
    en: 'A sheet is your desired state for the rows it contains: a row left out is not a deletion. To delete, write delete in the Action column.',
    ja: 'シートは記入した行のあるべき状態を表します。行を省いても削除にはなりません。削除するには「操作」列に delete と記入してください。',
    'pt-BR':
      'A planilha é o estado desejado das linhas que contém: omitir uma linha não a exclui. Para excluir, escreva delete na coluna Ação.',
  },
  packages: {
    en: 'Package names (API name, or the name shown in Partner Hub):',
    ja: 'パッケージ名（API 名、または Partner Hub に表示される名前）:',
    'pt-BR': 'Nomes dos pacotes (nome da API ou o nome exibido no Partner Hub):',
  },
  pick: {
    en: 'Pick a value from the list.',
    ja: 'リストから値を選択してください。',
    'pt-BR': 'Escolha um valor da lista.',
  },
  whole: {
    en: 'Enter a whole number (0 or more).',
    ja: '0以上の整数を入力してください。',
    'pt-BR': 'Digite um número inteiro (0 ou mais).',
  },
  countryCodes: { en: 'Country code', ja: '国コード', 'pt-BR': 'Código do país' },
  countryNames: { en: 'Country name', ja: '国名', 'pt-BR': 'Nome do país' },
  userPackages: { en: 'User package', ja: 'ユーザーのパッケージ', 'pt-BR': 'Pacote do usuário' },
} satisfies Record<string, Text>;

const ACTION_NOTE: Text = {
  en: 'upsert (create or update; the default when empty) or delete.',
  ja: 'upsert（作成または更新。空欄の場合の既定）または delete（削除）。',
  'pt-BR': 'upsert (criar ou atualizar; o padrão quando vazio) ou delete (excluir).',
};

/** What each column holds, for the notes sheet. `{package}` is filled in for limit columns. */
const COLUMN_NOTES: Record<string, Text> = {
  external_id: {
    en: 'Your own unique ID for the customer. Required. The users sheet refers to customers by it.',
    ja: '貴社が顧客ごとに付ける一意のID。必須。ユーザーシートはこのIDで顧客を指定します。',
    'pt-BR':
      'Seu identificador único do cliente. Obrigatório. A planilha de usuários se refere aos clientes por ele.',
  },
  customer_name: {
    en: "The customer organization's name (no % sign).",
    ja: '顧客の組織名（% 記号は使えません）。',
    'pt-BR': 'Nome da organização do cliente (sem o sinal %).',
  },
  primary_email: {
    en: "E-mail of the customer's first administrator; needed for a new organization.",
    ja: '顧客の最初の管理者のメールアドレス。新しい組織では必須です。',
    'pt-BR': 'E-mail do primeiro administrador do cliente; necessário para uma nova organização.',
  },
  language: {
    en: 'Language of the organization, as xx or xx_YY (for example en, ja, pt_BR).',
    ja: '組織の言語。xx または xx_YY の形式（例: en、ja、pt_BR）。',
    'pt-BR': 'Idioma da organização, no formato xx ou xx_YY (por exemplo en, ja, pt_BR).',
  },
  address_line1: {
    en: 'Billing address, first line (at most 50 characters). Required.',
    ja: '請求先住所の1行目（50文字以内）。必須。',
    'pt-BR': 'Endereço de cobrança, primeira linha (no máximo 50 caracteres). Obrigatório.',
  },
  address_line2: {
    en: 'Billing address, second line (optional, at most 50 characters).',
    ja: '請求先住所の2行目（任意、50文字以内）。',
    'pt-BR': 'Endereço de cobrança, segunda linha (opcional, no máximo 50 caracteres).',
  },
  city: {
    en: 'City of the billing address. Required.',
    ja: '請求先住所の市区町村。必須。',
    'pt-BR': 'Cidade do endereço de cobrança. Obrigatório.',
  },
  state_or_province: {
    en: 'State or province of the billing address; required in some countries.',
    ja: '請求先住所の都道府県・州。国によっては必須です。',
    'pt-BR': 'Estado ou província do endereço de cobrança; obrigatório em alguns países.',
  },
  zip_or_postal_code: {
    en: 'Postal code of the billing address; required in some countries. The column is formatted as Text so that leading zeros stay.',
    ja: '請求先住所の郵便番号。国によっては必須です。先頭の 0 が消えないよう、この列は文字列の書式です。',
    'pt-BR':
      'CEP do endereço de cobrança; obrigatório em alguns países. A coluna está formatada como Texto para manter os zeros à esquerda.',
  },
  country: {
    en: 'Country of the billing address as a two-letter ISO 3166 code (US, JP, BR…): pick it from the list. Required.',
    ja: '請求先住所の国。ISO 3166 の2文字のコード（US、JP、BR など）をリストから選んでください。必須。',
    'pt-BR':
      'País do endereço de cobrança, código ISO 3166 de duas letras (US, JP, BR…): escolha na lista. Obrigatório.',
  },
  packages: {
    en: 'Packages the customer buys, separated by commas (for example webex_calling, webex_meetings).',
    ja: '顧客が購入するパッケージ。カンマで区切ります（例: webex_calling, webex_meetings）。',
    'pt-BR':
      'Pacotes que o cliente compra, separados por vírgulas (por exemplo webex_calling, webex_meetings).',
  },
  limit_: {
    en: 'Most users that may get the package {package} (a whole number). For another package add a column "Limit <package>".',
    ja: 'パッケージ {package} を割り当てられるユーザー数の上限（整数）。ほかのパッケージには「上限 <パッケージ>」の列を追加してください。',
    'pt-BR':
      'Número máximo de usuários que podem receber o pacote {package} (número inteiro). Para outro pacote, acrescente uma coluna "Limite <pacote>".',
  },
  provisioning_id: {
    en: 'Partner Hub onboarding template ID; leave it empty to use your default.',
    ja: 'Partner Hub のオンボーディングテンプレートID。空欄の場合は既定のテンプレートを使います。',
    'pt-BR': 'ID do modelo de integração do Partner Hub; deixe vazio para usar o seu padrão.',
  },
  org_id: {
    en: 'Webex organization ID, only to attach an organization that already exists.',
    ja: '既存の Webex 組織を使う場合のみ、その組織ID。',
    'pt-BR': 'ID da organização Webex, somente para vincular uma organização que já existe.',
  },
  location_name: {
    en: 'Name of the calling location (at most 80 characters); needed with a calling package.',
    ja: '通話ロケーションの名前（80文字以内）。通話パッケージでは必須です。',
    'pt-BR':
      'Nome do local de chamadas (no máximo 80 caracteres); necessário com um pacote de chamadas.',
  },
  location_timezone: {
    en: 'Time zone of the calling location, as an IANA name (for example America/New_York).',
    ja: '通話ロケーションのタイムゾーン。IANA の名前（例: Asia/Tokyo）。',
    'pt-BR': 'Fuso horário do local de chamadas, nome IANA (por exemplo America/Sao_Paulo).',
  },
  location_language: {
    en: 'Language of the calling location (for example en_US).',
    ja: '通話ロケーションの言語（例: ja_JP）。',
    'pt-BR': 'Idioma do local de chamadas (por exemplo pt_BR).',
  },
  meetings_timezone: {
    en: 'Time zone of the Webex Meetings site, as an IANA name.',
    ja: 'Webex Meetings サイトのタイムゾーン。IANA の名前。',
    'pt-BR': 'Fuso horário do site do Webex Meetings, nome IANA.',
  },
  customer_external_id: {
    en: "External ID of the user's customer, as in the customers sheet. Required.",
    ja: 'ユーザーが属する顧客の外部ID（顧客シートと同じ値）。必須。',
    'pt-BR': 'ID externo do cliente do usuário, como na planilha de clientes. Obrigatório.',
  },
  email: {
    en: "The user's e-mail address. Required.",
    ja: 'ユーザーのメールアドレス。必須。',
    'pt-BR': 'E-mail do usuário. Obrigatório.',
  },
  first_name: { en: 'First name.', ja: '名。', 'pt-BR': 'Nome.' },
  last_name: { en: 'Last name.', ja: '姓。', 'pt-BR': 'Sobrenome.' },
  package: {
    en: "Exactly one package for the user, one of its customer's packages: pick it from the list.",
    ja: 'ユーザーのパッケージを1つ、顧客のパッケージの中からリストで選んでください。',
    'pt-BR': 'Exatamente um pacote para o usuário, entre os pacotes do cliente: escolha na lista.',
  },
  is_admin: {
    en: "yes if the user administers the customer's organization, otherwise no.",
    ja: '顧客の組織の管理者なら「はい」、そうでなければ「いいえ」。',
    'pt-BR': 'sim se o usuário administra a organização do cliente; caso contrário, não.',
  },
  phone_number: {
    en: 'Phone number in international form (+1512…); needed with a calling package unless the user has an extension. Formatted as Text so that the + stays.',
    ja: '国際形式の電話番号（+81…）。通話パッケージでは、内線がない場合に必須です。「+」が消えないよう文字列の書式です。',
    'pt-BR':
      'Telefone no formato internacional (+5511…); necessário com um pacote de chamadas se o usuário não tiver ramal. Formatado como Texto para manter o +.',
  },
  extension: {
    en: 'Extension (digits only).',
    ja: '内線番号（数字のみ）。',
    'pt-BR': 'Ramal (somente dígitos).',
  },
  location_id: {
    en: 'Webex ID of the calling location of the user (optional).',
    ja: 'ユーザーの通話ロケーションの Webex ID（任意）。',
    'pt-BR': 'ID Webex do local de chamadas do usuário (opcional).',
  },
  action: ACTION_NOTE,
};

/** Typical width of a column's values, in characters; the label's own width wins when wider. */
const WIDTHS: Record<string, number> = {
  customer_name: 28,
  primary_email: 30,
  email: 30,
  address_line1: 32,
  address_line2: 24,
  packages: 32,
  package: 22,
  location_timezone: 22,
  meetings_timezone: 22,
  phone_number: 18,
};

/** The columns of a sheet kind, in template order (limit columns after Packages). */
export function templateColumns(kind: SheetKind): string[] {
  if (kind === 'subscribers') return Object.keys(SUBSCRIBER_COLUMNS);
  const columns: string[] = [];
  for (const canonical of Object.keys(CUSTOMER_COLUMNS)) {
    columns.push(canonical);
    if (canonical === 'packages') columns.push(...TEMPLATE_LIMIT_PACKAGES.map((p) => `limit_${p}`));
  }
  return columns;
}

/** Writes a blank partner workbook in a locale: both sheets, drop-down lists and a notes sheet. */
export async function writeTemplate(file: string, locale: Locale): Promise<void> {
  const { default: Excel } = await import('exceljs'); // loaded when used, not with the CLI
  const wb = new Excel.Workbook();
  wb.creator = 'rtm-batch';
  const customers = wb.addWorksheet(SHEET_NAMES.customers[locale], frozenHeader());
  const subscribers = wb.addWorksheet(SHEET_NAMES.subscribers[locale], frozenHeader());
  const notes = wb.addWorksheet(SHEET_NAMES.notes[locale]);
  const lists = writeLists(wb, locale);
  for (const [sheet, kind] of [
    [customers, 'customers'],
    [subscribers, 'subscribers'],
  ] as const) {
    const columns = templateColumns(kind);
    sheet.columns = columns.map((canonical) => {
      const header = columnLabel(kind, canonical, locale);
      return {
        header,
        key: canonical,
        width: Math.max(displayWidth(header) + 3, WIDTHS[canonical] ?? 14),
        style: TEXT_COLUMNS.has(canonical) ? { numFmt: '@' } : {},
      };
    });
    const head = sheet.getRow(1);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    columns.forEach((canonical, i) => addValidation(sheet, i + 1, canonical, locale, lists));
  }
  // Several packages per customer do not fit a drop-down: the header says how to write them.
  customers.getCell(1, templateColumns('customers').indexOf('packages') + 1).note = (
    COLUMN_NOTES.packages as Text
  )[locale];
  writeNotes(notes, locale);
  await wb.xlsx.writeFile(file);
}

function frozenHeader(): Partial<ExcelJS.AddWorksheetOptions> {
  return { views: [{ state: 'frozen', ySplit: 1 }] };
}

interface ListRanges {
  countries: string;
  packages: string;
}

/** The hidden sheet the long drop-down lists point at (an inline list holds at most 255 characters). */
function writeLists(wb: ExcelJS.Workbook, locale: Locale): ListRanges {
  const name = SHEET_NAMES.lists[locale];
  const sheet = wb.addWorksheet(name, { state: 'hidden' });
  sheet.getRow(1).values = [
    UI.countryCodes[locale],
    UI.countryNames[locale],
    UI.userPackages[locale],
  ];
  COUNTRY_CODES.forEach((code, i) => {
    sheet.getCell(i + 2, 1).value = code;
    sheet.getCell(i + 2, 2).value = countryName(code, locale);
  });
  SUBSCRIBER_PACKAGES.forEach((pkg, i) => (sheet.getCell(i + 2, 3).value = pkg));
  const quoted = `'${name.replace(/'/g, "''")}'`;
  return {
    countries: `${quoted}!$A$2:$A$${COUNTRY_CODES.length + 1}`,
    packages: `${quoted}!$C$2:$C$${SUBSCRIBER_PACKAGES.length + 1}`,
  };
}

type Validated = ExcelJS.Worksheet & {
  dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
};

function addValidation(
  sheet: ExcelJS.Worksheet,
  col: number,
  canonical: string,
  locale: Locale,
  lists: ListRanges,
): void {
  const letter = sheet.getColumn(col).letter;
  const range = `${letter}2:${letter}${TEMPLATE_ROWS + 1}`;
  const pick = { showErrorMessage: true, errorStyle: 'stop', error: UI.pick[locale] };
  let validation: ExcelJS.DataValidation | null = null;
  if (canonical === 'country')
    validation = { type: 'list', allowBlank: true, formulae: [lists.countries], ...pick };
  else if (canonical === 'package')
    validation = { type: 'list', allowBlank: true, formulae: [lists.packages], ...pick };
  else if (canonical === 'is_admin')
    validation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${YES_NO[locale].join(',')}"`],
      ...pick,
    };
  else if (canonical === 'action')
    validation = { type: 'list', allowBlank: true, formulae: ['"upsert,delete"'], ...pick };
  else if (canonical.startsWith('limit_'))
    validation = {
      type: 'whole',
      operator: 'greaterThanOrEqual',
      allowBlank: true,
      formulae: [0],
      showErrorMessage: true,
      errorStyle: 'stop',
      error: UI.whole[locale],
    };
  if (validation) (sheet as Validated).dataValidations.add(range, validation);
}

function writeNotes(sheet: ExcelJS.Worksheet, locale: Locale): void {
  sheet.columns = [{ width: 16 }, { width: 30 }, { width: 100 }];
  const fill = (text: string): string =>
    text
      .replace('{customers}', SHEET_NAMES.customers[locale])
      .replace('{subscribers}', SHEET_NAMES.subscribers[locale]);
  sheet.addRow([UI.title[locale]]).font = { bold: true, size: 14 };
  sheet.addRow([fill(UI.rows[locale])]);
  sheet.addRow([UI.state[locale]]);
  sheet.addRow([]);
  sheet.addRow([UI.sheet[locale], UI.column[locale], UI.what[locale]]).font = { bold: true };
  for (const kind of ['customers', 'subscribers'] as const)
    for (const canonical of templateColumns(kind)) {
      const pkg = canonical.startsWith('limit_') ? canonical.slice('limit_'.length) : '';
      const note = (COLUMN_NOTES[pkg ? 'limit_' : canonical] as Text)[locale].replace(
        '{package}',
        pkg,
      );
      const row = sheet.addRow([
        SHEET_NAMES[kind][locale],
        columnLabel(kind, canonical, locale),
        note,
      ]);
      row.alignment = { wrapText: true, vertical: 'top' };
    }
  sheet.addRow([]);
  sheet.addRow([UI.packages[locale]]).font = { bold: true };
  for (const [api, display] of Object.entries(CUSTOMER_PACKAGES)) sheet.addRow(['', api, display]);
}

/** Characters a label takes on screen: CJK and full-width ones count double. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return width;
}
