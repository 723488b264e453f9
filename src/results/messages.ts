import type { Locale } from '../config/index.ts';
import type { IssueRecord } from '../reports/index.ts';
import { columnLabel } from '../sheets/index.ts';
import {
  countryName,
  ISSUE_CODES,
  type DefaultNote,
  type IssueCode,
  type IssueParams,
} from '../rules/index.ts';

type Template = (p: IssueParams) => string;
type Templates = Record<IssueCode, Record<Locale, Template>>;

const v = (p: IssueParams, k = 'value') => String(p[k] ?? '');
/** A long value shortened for a sentence: its first 20 characters. */
const short = (p: IssueParams) => {
  const chars = [...v(p)];
  return chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : chars.join('');
};
const has = (p: IssueParams, k: string) => p[k] !== undefined && p[k] !== '';

/** A country code with its name: `US (United States)`, `US（アメリカ合衆国）`. */
function country(p: IssueParams, locale: Locale): string {
  const code = v(p, 'country');
  const name = countryName(code, locale);
  if (name === code) return code;
  return locale === 'ja' ? `${code}（${name}）` : `${code} (${name})`;
}

/** An optional detail in brackets. */
const detail = (p: IssueParams, locale: Locale) =>
  has(p, 'detail') ? (locale === 'ja' ? `（${v(p, 'detail')}）` : ` (${v(p, 'detail')})`) : '';

const DAMAGE: Record<string, Record<Locale, string>> = {
  'scientific notation': {
    en: 'it is in scientific notation',
    ja: '指数表記になっています',
    'pt-BR': 'está em notação científica',
  },
  'stored as a number': {
    en: 'it was stored as a number',
    ja: '数値として保存されています',
    'pt-BR': 'foi gravado como número',
  },
  'lost its leading 0': {
    en: 'its leading 0 was lost',
    ja: '先頭の0が失われています',
    'pt-BR': 'perdeu o 0 inicial',
  },
  'lost its leading +': {
    en: 'its leading + was lost',
    ja: '先頭の+が失われています',
    'pt-BR': 'perdeu o + inicial',
  },
  'more than 15 digits': {
    en: 'it has more than 15 digits',
    ja: '15桁を超えています',
    'pt-BR': 'tem mais de 15 dígitos',
  },
  other: {
    en: 'a spreadsheet changed it',
    ja: '表計算ソフトによって値が変わっています',
    'pt-BR': 'uma planilha alterou o valor',
  },
};
const damage = (p: IssueParams, locale: Locale) =>
  (DAMAGE[v(p, 'damage')] ?? DAMAGE.other)?.[locale] ?? '';

const FIELD: Record<string, Record<Locale, string>> = {
  postal: { en: 'postal code', ja: '郵便番号', 'pt-BR': 'o código postal' },
  state: { en: 'state or province', ja: '都道府県・州', 'pt-BR': 'o estado ou província' },
};
const field = (p: IssueParams, locale: Locale) => FIELD[v(p, 'field')]?.[locale] ?? v(p, 'field');

// What each code says, in the partner's language: what is wrong, with the value, and what to do.
// The row and the column come first from renderRowMessage.
const TEMPLATES: Templates = {
  FILE_ENCODING: {
    en: (p) =>
      `the file is not in UTF-8, UTF-16 or the partner's legacy encoding${detail(p, 'en')}; save it as a UTF-8 CSV and send it again.`,
    ja: (p) =>
      `ファイルの文字コードが UTF-8、UTF-16、設定された従来の文字コードのいずれでもありません${detail(p, 'ja')}。UTF-8 の CSV で保存し直して再送してください。`,
    'pt-BR': (p) =>
      `o arquivo não está em UTF-8, UTF-16 nem na codificação legada do parceiro${detail(p, 'pt-BR')}; salve-o como CSV UTF-8 e envie de novo.`,
  },
  FILE_FORMAT: {
    en: (p) =>
      `this is not a CSV or XLSX file we can read${detail(p, 'en')}; save it as .csv, or as an .xlsx workbook without a password.`,
    ja: (p) =>
      `読み取れる CSV または XLSX ファイルではありません${detail(p, 'ja')}。.csv か、パスワードなしの .xlsx で保存してください。`,
    'pt-BR': (p) =>
      `este não é um arquivo CSV ou XLSX que possamos ler${detail(p, 'pt-BR')}; salve-o como .csv ou como pasta de trabalho .xlsx sem senha.`,
  },
  FILE_LIMIT: {
    en: (p) =>
      `the file is over a size or row limit${detail(p, 'en')}; split it into smaller files.`,
    ja: (p) =>
      `ファイルがサイズまたは行数の上限を超えています${detail(p, 'ja')}。小さなファイルに分割してください。`,
    'pt-BR': (p) =>
      `o arquivo passa de um limite de tamanho ou de linhas${detail(p, 'pt-BR')}; divida-o em arquivos menores.`,
  },
  FILE_MALFORMED: {
    en: (p) =>
      `the file is broken${detail(p, 'en')} (for example an unclosed quote or rows of different lengths); fix it and send it again.`,
    ja: (p) =>
      `ファイルの形式が壊れています${detail(p, 'ja')}（閉じていない引用符、列数の違う行など）。修正して再送してください。`,
    'pt-BR': (p) =>
      `o arquivo está corrompido${detail(p, 'pt-BR')} (por exemplo aspas não fechadas ou linhas de tamanhos diferentes); corrija-o e envie de novo.`,
  },
  FILE_HEADER: {
    en: (p) =>
      `the header row cannot be used${detail(p, 'en')}; use the column names of the template, each once.`,
    ja: (p) =>
      `見出し行を使用できません${detail(p, 'ja')}。テンプレートの列名を、それぞれ1回ずつ使ってください。`,
    'pt-BR': (p) =>
      `a linha de cabeçalho não pode ser usada${detail(p, 'pt-BR')}; use os nomes de coluna do modelo, cada um uma vez.`,
  },
  FILE_EMPTY: {
    en: () => 'the sheet has a header but no data rows; add rows or remove the file.',
    ja: () => '見出し行だけでデータ行がありません。行を追加するか、ファイルを削除してください。',
    'pt-BR': () =>
      'a planilha tem cabeçalho mas nenhuma linha de dados; inclua linhas ou remova o arquivo.',
  },
  FILE_NOT_REGULAR: {
    en: () => 'this is a link or special file, not a regular file; upload the file itself.',
    ja: () =>
      'リンクまたは特殊なファイルで、通常のファイルではありません。ファイルそのものをアップロードしてください。',
    'pt-BR': () =>
      'isto é um link ou arquivo especial, não um arquivo comum; envie o próprio arquivo.',
  },
  FILE_DUPLICATE: {
    en: (p) =>
      `the same file was already imported${has(p, 'original') ? ` as "${v(p, 'original')}"` : ''}; no row was processed again, and nothing needs doing.`,
    ja: (p) =>
      `同じファイルは取り込み済みです${has(p, 'original') ? `（「${v(p, 'original')}」として）` : ''}。行は再処理されていません。対応は不要です。`,
    'pt-BR': (p) =>
      `o mesmo arquivo já foi importado${has(p, 'original') ? ` como "${v(p, 'original')}"` : ''}; nenhuma linha foi processada de novo e nada precisa ser feito.`,
  },
  REQUIRED: {
    en: () => 'a value is required here; fill it in.',
    ja: () => '値を入力してください。',
    'pt-BR': () => 'este valor é obrigatório; preencha-o.',
  },
  INVALID_EMAIL: {
    en: (p) => `"${v(p)}" is not an email address (expected name@example.com).`,
    ja: (p) => `「${v(p)}」はメールアドレスではありません（例: name@example.com）。`,
    'pt-BR': (p) => `"${v(p)}" não é um endereço de e-mail (esperado nome@exemplo.com).`,
  },
  INVALID_COUNTRY: {
    // The first sentence is what issues.csv readers search for: keep it stable.
    en: (p) =>
      `"${v(p)}" is not an ISO 3166 two-letter country code.${has(p, 'suggestion') ? ` Did you mean ${v(p, 'suggestion')}? Enter ${v(p, 'suggestion')}.` : ' Enter a two-letter code such as US, BR or JP.'}`,
    ja: (p) =>
      `「${v(p)}」は ISO 3166 の2文字コードではありません。${has(p, 'suggestion') ? `${v(p, 'suggestion')} を指定してください。` : 'US、BR、JP のような2文字コードを指定してください。'}`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um código de país ISO 3166 de duas letras.${has(p, 'suggestion') ? ` Quis dizer ${v(p, 'suggestion')}? Informe ${v(p, 'suggestion')}.` : ' Informe um código de duas letras, como US, BR ou JP.'}`,
  },
  INVALID_LANGUAGE: {
    en: (p) =>
      `"${v(p)}" is not a supported language code (xx or xx_YY, for example en or pt_BR).${has(p, 'suggestion') ? ` Enter ${v(p, 'suggestion')}.` : ''}`,
    ja: (p) =>
      `「${v(p)}」はサポートされている言語コード（xx または xx_YY、例: ja、en_US）ではありません。${has(p, 'suggestion') ? `${v(p, 'suggestion')} を指定してください。` : ''}`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um código de idioma aceito (xx ou xx_YY, por exemplo pt_BR ou en).${has(p, 'suggestion') ? ` Informe ${v(p, 'suggestion')}.` : ''}`,
  },
  INVALID_TIMEZONE: {
    en: (p) =>
      `"${v(p)}" is not an IANA time zone (Area/City, for example America/New_York).${has(p, 'suggestion') ? ` Enter ${v(p, 'suggestion')}.` : ''}`,
    ja: (p) =>
      `「${v(p)}」は IANA のタイムゾーン（地域/都市、例: Asia/Tokyo）ではありません。${has(p, 'suggestion') ? `${v(p, 'suggestion')} を指定してください。` : ''}`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um fuso horário IANA (Região/Cidade, por exemplo America/Sao_Paulo).${has(p, 'suggestion') ? ` Informe ${v(p, 'suggestion')}.` : ''}`,
  },
  INVALID_PHONE: {
    en: (p) =>
      p.what === 'extension'
        ? `"${v(p)}" is not an extension; enter 2 to 10 digits.`
        : `"${v(p)}" is not a valid phone number; write it in E.164 form: + and the country code${has(p, 'callingCode') ? ` (${v(p, 'callingCode')})` : ''}, then the number, for example +18285550101.`,
    ja: (p) =>
      p.what === 'extension'
        ? `「${v(p)}」は内線番号ではありません。2～10桁の数字を入力してください。`
        : `「${v(p)}」は有効な電話番号ではありません。E.164 形式（+、国番号${has(p, 'callingCode') ? `（${v(p, 'callingCode')}）` : ''}、番号の順。例: +81312345678）で入力してください。`,
    'pt-BR': (p) =>
      p.what === 'extension'
        ? `"${v(p)}" não é um ramal; informe de 2 a 10 dígitos.`
        : `"${v(p)}" não é um telefone válido; escreva no formato E.164: + e o código do país${has(p, 'callingCode') ? ` (${v(p, 'callingCode')})` : ''}, depois o número, por exemplo +5511987654321.`,
  },
  INVALID_POSTAL_CODE: {
    en: (p) =>
      `"${v(p)}" is not a postal code of ${country(p, 'en')}${has(p, 'example') ? ` (for example ${v(p, 'example')})` : ''}; correct it.`,
    ja: (p) =>
      `「${v(p)}」は${country(p, 'ja')}の郵便番号の形式ではありません${has(p, 'example') ? `（例: ${v(p, 'example')}）` : ''}。修正してください。`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um código postal de ${country(p, 'pt-BR')}${has(p, 'example') ? ` (por exemplo ${v(p, 'example')})` : ''}; corrija-o.`,
  },
  INVALID_NUMBER: {
    en: (p) => `"${v(p)}" is not a whole number; enter digits only, for example 25.`,
    ja: (p) => `「${v(p)}」は整数ではありません。25 のように数字だけを入力してください。`,
    'pt-BR': (p) => `"${v(p)}" não é um número inteiro; informe só dígitos, por exemplo 25.`,
  },
  INVALID_BOOLEAN: {
    en: (p) => `"${v(p)}" is not yes or no (use true/false, yes/no or 1/0).`,
    ja: (p) =>
      `「${v(p)}」は はい/いいえ ではありません（true/false、はい/いいえ、1/0 を使用してください）。`,
    'pt-BR': (p) => `"${v(p)}" não é sim ou não (use true/false, sim/não ou 1/0).`,
  },
  INVALID_ACTION: {
    en: (p) => `"${v(p)}" is not an action (use upsert or delete).`,
    ja: (p) => `「${v(p)}」は操作として使えません（upsert または delete）。`,
    'pt-BR': (p) => `"${v(p)}" não é uma ação válida (use upsert ou delete).`,
  },
  ADDRESS_REQUIRED_FOR_COUNTRY: {
    en: (p) =>
      `an address in ${country(p, 'en')} needs its ${field(p, 'en')}${p.reason === 'calling' ? ' when the customer has a calling package (the address is also its calling location)' : ''}; fill it in.`,
    ja: (p) =>
      `${country(p, 'ja')}の住所には${field(p, 'ja')}が必要です${p.reason === 'calling' ? '（通話パッケージのある顧客では、この住所が通話ロケーションの住所にもなります）' : ''}。入力してください。`,
    'pt-BR': (p) =>
      `${field(p, 'pt-BR')} é obrigatório para endereços em ${country(p, 'pt-BR')}${p.reason === 'calling' ? ' quando o cliente tem um pacote de chamadas (o endereço é também o do local de chamadas)' : ''}; preencha-o.`,
  },
  ADDRESS_TOO_LONG: {
    en: (p) =>
      `the address line "${short(p)}" has ${v(p, 'length')} characters; at most ${v(p, 'max')} are allowed. Shorten it.`,
    ja: (p) =>
      `住所「${short(p)}」が${v(p, 'length')}文字あります。${v(p, 'max')}文字以内にしてください。`,
    'pt-BR': (p) =>
      `a linha de endereço "${short(p)}" tem ${v(p, 'length')} caracteres; o máximo é ${v(p, 'max')}. Encurte-a.`,
  },
  INVALID_NAME_CHAR: {
    en: (p) => `"${v(p)}" contains "%", which Webex does not accept in a customer name; remove it.`,
    ja: (p) =>
      `「${v(p)}」に「%」が含まれています。顧客名に「%」は使えないため、削除してください。`,
    'pt-BR': (p) => `"${v(p)}" contém "%", que o Webex não aceita no nome do cliente; remova-o.`,
  },
  UNKNOWN_PACKAGE: {
    en: (p) =>
      `"${v(p)}" is not a Webex Wholesale package; use an API name such as webex_calling or a display name such as Webex Meetings.`,
    ja: (p) =>
      `「${v(p)}」は Webex Wholesale のパッケージではありません。webex_calling などの API 名か、Webex Meetings などの表示名を指定してください。`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um pacote Webex Wholesale; use um nome de API como webex_calling ou um nome de exibição como Webex Meetings.`,
  },
  ONE_PACKAGE_PER_USER: {
    en: (p) => `a user has exactly one package; "${v(p)}" lists ${v(p, 'count')}. Keep one.`,
    ja: (p) =>
      `ユーザーのパッケージは1つだけです。「${v(p)}」には${v(p, 'count')}個あります。1つにしてください。`,
    'pt-BR': (p) =>
      `cada usuário tem exatamente um pacote; "${v(p)}" lista ${v(p, 'count')}. Mantenha um.`,
  },
  PACKAGE_NOT_ON_CUSTOMER: {
    en: (p) =>
      `"${v(p)}" is not one of customer "${v(p, 'customer')}"'s packages (${v(p, 'packages') || 'none'}); choose one of those or add the package to the customer row.`,
    ja: (p) =>
      `「${v(p)}」は顧客「${v(p, 'customer')}」のパッケージ（${v(p, 'packages') || 'なし'}）にありません。そのいずれかを指定するか、顧客の行にパッケージを追加してください。`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um dos pacotes do cliente "${v(p, 'customer')}" (${v(p, 'packages') || 'nenhum'}); escolha um deles ou inclua o pacote na linha do cliente.`,
  },
  QUOTA_EXCEEDED: {
    en: (p) =>
      `customer "${v(p, 'customer')}" has no ${v(p, 'package')} left: limit ${v(p, 'limit')}, already assigned ${v(p, 'count')}. Raise the limit on the customer row or free a user first.`,
    ja: (p) =>
      `顧客「${v(p, 'customer')}」の ${v(p, 'package')} は上限に達しています（上限 ${v(p, 'limit')}、割り当て済み ${v(p, 'count')}）。顧客の行で上限を上げるか、先に他のユーザーを外してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p, 'customer')}" não tem mais ${v(p, 'package')} disponível: limite ${v(p, 'limit')}, já atribuídos ${v(p, 'count')}. Aumente o limite na linha do cliente ou libere um usuário antes.`,
  },
  QUOTA_BELOW_ASSIGNED: {
    en: (p) =>
      `${v(p, 'package')} would be limited to ${v(p, 'limit')}, but ${v(p, 'count')} users already have it; set at least ${v(p, 'count')}, or move or delete users first.`,
    ja: (p) =>
      `${v(p, 'package')} の上限を ${v(p, 'limit')} にしようとしていますが、すでに ${v(p, 'count')} 人に割り当てられています。${v(p, 'count')} 以上にするか、先にユーザーを移動または削除してください。`,
    'pt-BR': (p) =>
      `o limite de ${v(p, 'package')} seria ${v(p, 'limit')}, mas ${v(p, 'count')} usuários já o têm; informe pelo menos ${v(p, 'count')} ou mova ou exclua usuários antes.`,
  },
  ADMIN_PACKAGE_MISMATCH: {
    en: (p) =>
      `an administrator gets the package the customer organization was created with (${v(p, 'expected')}), not "${v(p)}"; change the package or the Admin column.`,
    ja: (p) =>
      `管理者には顧客組織の作成時のパッケージ（${v(p, 'expected')}）を割り当てます。「${v(p)}」は使えません。パッケージか管理者の列を変更してください。`,
    'pt-BR': (p) =>
      `um administrador recebe o pacote com que a organização do cliente foi criada (${v(p, 'expected')}), não "${v(p)}"; altere o pacote ou a coluna Administrador.`,
  },
  ADMIN_DOWNGRADE: {
    en: (p) =>
      `an administrator's package cannot go down from ${v(p, 'from')} to "${v(p)}"; keep ${v(p, 'from')} or choose a higher package.`,
    ja: (p) =>
      `管理者のパッケージを ${v(p, 'from')} から「${v(p)}」に下げることはできません。${v(p, 'from')} 以上のパッケージにしてください。`,
    'pt-BR': (p) =>
      `o pacote de um administrador não pode baixar de ${v(p, 'from')} para "${v(p)}"; mantenha ${v(p, 'from')} ou escolha um pacote superior.`,
  },
  ADDON_NOT_ENABLED: {
    en: (p) =>
      `"${v(p)}" is an add-on, and add-ons are not enabled for this partner; remove it, or ask operations to enable add-ons.`,
    ja: (p) =>
      `「${v(p)}」はアドオンですが、このパートナーではアドオンが有効になっていません。削除するか、運用チームに有効化を依頼してください。`,
    'pt-BR': (p) =>
      `"${v(p)}" é um complemento, e complementos não estão habilitados para este parceiro; remova-o ou peça à operação para habilitá-los.`,
  },
  ADDON_DEPENDENCY: {
    en: (p) =>
      `the add-on "${v(p)}" needs one of these packages on the same customer: ${v(p, 'needs')}; add one.`,
    ja: (p) =>
      `アドオン「${v(p)}」には、同じ顧客に次のいずれかのパッケージが必要です: ${v(p, 'needs')}。いずれかを追加してください。`,
    'pt-BR': (p) =>
      `o complemento "${v(p)}" exige um destes pacotes no mesmo cliente: ${v(p, 'needs')}; inclua um deles.`,
  },
  CALLING_LOCATION_REQUIRED: {
    en: (p) =>
      p.field === 'timezone'
        ? `a customer with a calling package needs its calling location's time zone, which ${country(p, 'en')} alone does not decide; enter one${has(p, 'example') ? `, for example ${v(p, 'example')}` : ''}.`
        : p.field === 'language'
          ? `a customer with a calling package needs its calling location's language; fill in this column or the customer's Language (for example ${v(p, 'example') || 'en_US'}).`
          : 'a customer with a calling package needs a calling location; fill in the location columns.',
    ja: (p) =>
      p.field === 'timezone'
        ? `通話パッケージのある顧客には通話ロケーションのタイムゾーンが必要ですが、${country(p, 'ja')}は国だけでは決まりません。入力してください${has(p, 'example') ? `（例: ${v(p, 'example')}）` : ''}。`
        : p.field === 'language'
          ? `通話パッケージのある顧客には通話ロケーションの言語が必要です。この列か顧客の言語の列を入力してください（例: ${v(p, 'example') || 'ja_JP'}）。`
          : '通話パッケージのある顧客には通話ロケーションが必要です。ロケーションの列を入力してください。',
    'pt-BR': (p) =>
      p.field === 'timezone'
        ? `um cliente com pacote de chamadas precisa do fuso horário do local de chamadas, que ${country(p, 'pt-BR')} sozinho não define; informe um${has(p, 'example') ? `, por exemplo ${v(p, 'example')}` : ''}.`
        : p.field === 'language'
          ? `um cliente com pacote de chamadas precisa do idioma do local de chamadas; preencha esta coluna ou o Idioma do cliente (por exemplo ${v(p, 'example') || 'pt_BR'}).`
          : 'um cliente com pacote de chamadas precisa de um local de chamadas; preencha as colunas do local.',
  },
  LOCATION_NAME_TOO_LONG: {
    en: (p) =>
      `the location name "${short(p)}" has ${v(p, 'length')} characters; at most ${v(p, 'max')} are allowed. Shorten it.`,
    ja: (p) =>
      `ロケーション名「${short(p)}」が${v(p, 'length')}文字あります。${v(p, 'max')}文字以内にしてください。`,
    'pt-BR': (p) =>
      `o nome do local "${short(p)}" tem ${v(p, 'length')} caracteres; o máximo é ${v(p, 'max')}. Encurte-o.`,
  },
  PHONE_OR_EXTENSION_REQUIRED: {
    en: (p) =>
      `a user with the calling package ${v(p, 'package')} needs a phone number, an extension or both; fill in at least one.`,
    ja: (p) =>
      `通話パッケージ（${v(p, 'package')}）のユーザーには電話番号か内線番号（または両方）が必要です。少なくとも一方を入力してください。`,
    'pt-BR': (p) =>
      `um usuário com o pacote de chamadas ${v(p, 'package')} precisa de telefone, ramal ou ambos; preencha pelo menos um.`,
  },
  VALUE_DAMAGED: {
    en: (p) =>
      `"${v(p)}" looks damaged by a spreadsheet (${damage(p, 'en')}); ${has(p, 'suggestion') ? `enter it as text: ${v(p, 'suggestion')}` : 'format the column as text and enter the value again'}.`,
    ja: (p) =>
      `「${v(p)}」は表計算ソフトで壊れているようです（${damage(p, 'ja')}）。${has(p, 'suggestion') ? `文字列として ${v(p, 'suggestion')} を入力してください。` : '列を文字列の書式にして、値を入力し直してください。'}`,
    'pt-BR': (p) =>
      `"${v(p)}" parece danificado pela planilha (${damage(p, 'pt-BR')}); ${has(p, 'suggestion') ? `digite como texto: ${v(p, 'suggestion')}` : 'formate a coluna como texto e digite o valor de novo'}.`,
  },
  FORMULA_WITHOUT_VALUE: {
    en: () =>
      'the cell holds a formula without a saved value; open the workbook in Excel, let it calculate and save it, or paste the values, then send it again.',
    ja: () =>
      'セルに計算結果が保存されていない数式があります。Excel で開いて再計算して保存するか、値として貼り付けてから再送してください。',
    'pt-BR': () =>
      'a célula tem uma fórmula sem valor salvo; abra a pasta no Excel, deixe calcular e salve, ou cole como valores, e envie de novo.',
  },
  MERGED_CELLS: {
    en: () =>
      'the row uses merged cells, which cannot be read reliably; unmerge them and fill in every cell.',
    ja: () =>
      '結合されたセルは正しく読み取れません。結合を解除し、すべてのセルに値を入力してください。',
    'pt-BR': () =>
      'a linha usa células mescladas, que não podem ser lidas com segurança; desfaça a mesclagem e preencha cada célula.',
  },
  DUPLICATE_ROW: {
    en: (p) => `"${v(p)}" appears again; row ${v(p, 'firstRow')} already has it. Keep one row.`,
    ja: (p) =>
      `「${v(p)}」が重複しています（${v(p, 'firstRow')}行目と同じ）。1行にまとめてください。`,
    'pt-BR': (p) =>
      `"${v(p)}" aparece de novo; a linha ${v(p, 'firstRow')} já o tem. Mantenha uma linha.`,
  },
  UNKNOWN_CUSTOMER: {
    en: (p) => `customer "${v(p)}" is in no customers sheet and was never imported; add it first.`,
    ja: (p) =>
      `顧客「${v(p)}」は顧客シートにも登録済みの顧客にもありません。先に顧客を追加してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p)}" não está em nenhuma planilha de clientes nem foi importado antes; inclua-o primeiro.`,
  },
  CUSTOMER_REJECTED: {
    en: (p) =>
      `customer "${v(p)}" was refused ${has(p, 'customerPlace') ? `(${v(p, 'customerPlace')}, row ${v(p, 'customerRow')})` : `in row ${v(p, 'customerRow')}`}; fix that row first.`,
    ja: (p) =>
      `顧客「${v(p)}」は${has(p, 'customerPlace') ? `${v(p, 'customerPlace')}の` : ''}${v(p, 'customerRow')}行目で拒否されました。先にその行を修正してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p)}" foi recusado ${has(p, 'customerPlace') ? `(${v(p, 'customerPlace')}, linha ${v(p, 'customerRow')})` : `na linha ${v(p, 'customerRow')}`}; corrija essa linha primeiro.`,
  },
  CUSTOMER_DELETED: {
    en: (p) =>
      `customer "${v(p)}" is deleted by row ${v(p, 'customerRow')} of ${has(p, 'customerPlace') ? v(p, 'customerPlace') : 'the customers sheet'}, so no user can be added to it; remove this row or that delete.`,
    ja: (p) =>
      `顧客「${v(p)}」は${has(p, 'customerPlace') ? v(p, 'customerPlace') : '顧客シート'}の${v(p, 'customerRow')}行目で削除されるため、ユーザーを追加できません。この行か、その削除を取り消してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p)}" é excluído pela linha ${v(p, 'customerRow')} de ${has(p, 'customerPlace') ? v(p, 'customerPlace') : 'a planilha de clientes'}, então nenhum usuário pode ser incluído nele; remova esta linha ou essa exclusão.`,
  },
  API_REJECTED: {
    en: (p) =>
      `Webex refused the change: ${v(p, 'description')} (error ${v(p, 'errorCode')}, tracking id ${v(p, 'trackingId')}). Correct the row, or give the tracking id to support.`,
    ja: (p) =>
      `Webex が変更を拒否しました: ${v(p, 'description')}（エラー ${v(p, 'errorCode')}、トラッキングID ${v(p, 'trackingId')}）。行を修正するか、トラッキングIDをサポートに伝えてください。`,
    'pt-BR': (p) =>
      `o Webex recusou a alteração: ${v(p, 'description')} (erro ${v(p, 'errorCode')}, tracking id ${v(p, 'trackingId')}). Corrija a linha ou informe o tracking id ao suporte.`,
  },
  RPL_DEPROVISIONED: {
    en: (p) =>
      `customer "${v(p)}" was removed from Webex after its RPL review (R-RPL-5, deprovisioning plan ${v(p, 'planId')}), so this change will not be made. Send the row again once the review question is settled.`,
    ja: (p) =>
      `RPL 審査の結果、顧客「${v(p)}」は Webex から削除されたため（R-RPL-5、削除計画 ${v(p, 'planId')}）、この変更は行われません。審査の件が解決したら、行を再送してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p)}" foi removido do Webex após a revisão RPL (R-RPL-5, plano de desprovisionamento ${v(p, 'planId')}), então esta alteração não será feita. Envie a linha de novo quando a questão da revisão estiver resolvida.`,
  },
  PRECHECK_REJECTED: {
    en: (p) =>
      `Webex's precheck refused this ${p.entity === 'subscriber' ? 'user' : 'customer'}: ${webexSaid(p, 'en')}. ${precheckHint(p, 'en')}`,
    ja: (p) =>
      `Webex の事前チェックでこの${p.entity === 'subscriber' ? 'ユーザー' : '顧客'}は拒否されました: ${webexSaid(p, 'ja')}。${precheckHint(p, 'ja')}`,
    'pt-BR': (p) =>
      `a pré-verificação do Webex recusou este ${p.entity === 'subscriber' ? 'usuário' : 'cliente'}: ${webexSaid(p, 'pt-BR')}. ${precheckHint(p, 'pt-BR')}`,
  },
  PRECHECK_INFO: {
    en: (p) =>
      `Webex's precheck notes: ${webexSaid(p, 'en')}. The row goes ahead; check it if this is unexpected.`,
    ja: (p) =>
      `Webex の事前チェックからのお知らせ: ${webexSaid(p, 'ja')}。この行はそのまま処理されます。想定外の場合は確認してください。`,
    'pt-BR': (p) =>
      `a pré-verificação do Webex informa: ${webexSaid(p, 'pt-BR')}. A linha segue adiante; confira-a se isso for inesperado.`,
  },
  LOCATION_DEFAULTED: {
    en: (p) =>
      `empty, so "${v(p)}" was used (${defaultFrom(p, 'en')}); the row goes ahead. Fill it in to choose another value.`,
    ja: (p) =>
      `未入力のため「${v(p)}」を使用しました（${defaultFrom(p, 'ja')}）。この行はそのまま処理されます。別の値にする場合は入力してください。`,
    'pt-BR': (p) =>
      `vazio, então foi usado "${v(p)}" (${defaultFrom(p, 'pt-BR')}); a linha segue adiante. Preencha para escolher outro valor.`,
  },
};

/** What Webex said, quoted, with its code and tracking id when there are some. */
function webexSaid(p: IssueParams, locale: Locale): string {
  const code = has(p, 'errorCode') ? v(p, 'errorCode') : has(p, 'infoCode') ? v(p, 'infoCode') : '';
  const parts = [
    code ? { en: `code ${code}`, ja: `コード ${code}`, 'pt-BR': `código ${code}` }[locale] : '',
    has(p, 'trackingId')
      ? { en: 'tracking id', ja: 'トラッキングID', 'pt-BR': 'tracking id' }[locale] +
        ` ${v(p, 'trackingId')}`
      : '',
  ].filter(Boolean);
  const said = has(p, 'description')
    ? locale === 'ja'
      ? `「${v(p, 'description')}」`
      : `"${v(p, 'description')}"`
    : { en: 'no description', ja: '説明なし', 'pt-BR': 'sem descrição' }[locale];
  if (parts.length === 0) return said;
  return locale === 'ja' ? `${said}（${parts.join('、')}）` : `${said} (${parts.join(', ')})`;
}

/** Webex's precheck error codes we can say more about (domain.md §3). */
const PRECHECK_HINTS: Record<string, Record<Locale, string>> = {
  '10022': {
    en: 'The email already belongs to a Webex user: use another email, or have that user removed first.',
    ja: 'このメールアドレスは既存の Webex ユーザーが使用しています。別のメールアドレスにするか、先にそのユーザーを削除してください。',
    'pt-BR':
      'O e-mail já pertence a um usuário Webex: use outro e-mail ou remova esse usuário antes.',
  },
};
const precheckHint = (p: IssueParams, locale: Locale) =>
  PRECHECK_HINTS[v(p, 'errorCode')]?.[locale] ??
  {
    en: 'Correct the row as Webex says and send it again, or give the tracking id to support.',
    ja: 'Webex の指摘どおりに行を修正して再送するか、トラッキングIDをサポートに伝えてください。',
    'pt-BR':
      'Corrija a linha conforme o Webex indica e envie de novo, ou informe o tracking id ao suporte.',
  }[locale];

const defaultFrom = (p: IssueParams, locale: Locale) =>
  FROM[v(p, 'from') as DefaultNote['from']]?.[locale] ?? FROM.policy[locale];

const ROW_PREFIX: Record<Locale, (row: number, column: string | null) => string> = {
  en: (row, column) => `row ${row}${column ? `, column ${column}` : ''}: `,
  ja: (row, column) => `${row}行目${column ? ` ${column}` : ''}: `,
  'pt-BR': (row, column) => `linha ${row}${column ? `, coluna ${column}` : ''}: `,
};

/** The sentence for a code in a locale, without the row prefix. */
export function describeIssue(code: IssueCode, params: IssueParams, locale: Locale): string {
  const template = TEMPLATES[code]?.[locale] ?? TEMPLATES[code]?.en;
  if (template) return template(params);
  return `${code}${params.value !== undefined ? `: "${v(params)}"` : ''}`;
}

/** The full message a partner reads: row, column label, then what is wrong and what to do. */
export function renderRowMessage(
  code: IssueCode,
  params: IssueParams,
  locale: Locale,
  row: number | null,
  columnLabel: string | null,
): string {
  const text = describeIssue(code, params, locale);
  return row === null ? text : ROW_PREFIX[locale](row, columnLabel) + text;
}

/** Codes that have a sentence in every locale. */
export const DESCRIBED_CODES: readonly IssueCode[] = ISSUE_CODES.filter((code) =>
  (['en', 'ja', 'pt-BR'] as const).every((locale) => TEMPLATES[code]?.[locale]),
);

const FROM: Record<DefaultNote['from'], Record<Locale, string>> = {
  customer_name: { en: "the customer's name", ja: '顧客名', 'pt-BR': 'o nome do cliente' },
  customer_language: {
    en: "the customer's language",
    ja: '顧客の言語',
    'pt-BR': 'o idioma do cliente',
  },
  country: {
    en: "the country's only time zone",
    ja: 'その国の唯一のタイムゾーン',
    'pt-BR': 'o único fuso horário do país',
  },
  policy: { en: 'the default name', ja: '既定の名前', 'pt-BR': 'o nome padrão' },
};

/** What a report says about a defaulted value (R-CALL-1), with the row and column like an issue. */
export function renderDefaultNote(
  note: DefaultNote,
  locale: Locale,
  row: number | null,
  columnLabel: string | null,
): string {
  const from = FROM[note.from][locale];
  const text = {
    en: `empty, so "${note.value}" was used (${from}); fill it in to choose another value.`,
    ja: `未入力のため「${note.value}」を使用しました（${from}）。別の値にする場合は入力してください。`,
    'pt-BR': `vazio, então foi usado "${note.value}" (${from}); preencha para escolher outro valor.`,
  }[locale];
  return row === null ? text : ROW_PREFIX[locale](row, columnLabel) + text;
}

/** R-CALL-1 in the summary: one note per file, however many rows had a default filled in. */
export function renderDefaultsNote(
  where: { partner: string; file: string; rows: number },
  locale: Locale,
): string {
  const at = `${where.partner}/${where.file}: `;
  const n = where.rows;
  return (
    at +
    {
      en: `${n} row${n === 1 ? '' : 's'} left calling-location values empty and got defaults (R-CALL-1); issues.csv lists each one as LOCATION_DEFAULTED.`,
      ja: `${n}行で通話ロケーションの値が未入力のため既定値を使用しました（R-CALL-1）。各行は issues.csv に LOCATION_DEFAULTED として記載されています。`,
      'pt-BR': `${n} linha${n === 1 ? '' : 's'} deixou valores do local de chamadas vazios e recebeu valores padrão (R-CALL-1); o issues.csv lista cada uma como LOCATION_DEFAULTED.`,
    }[locale]
  );
}

/** Why a partner's remote precheck stopped: Webex could not be reached, or refused the token. */
export interface PrecheckStop {
  reason: 'unreachable' | 'auth';
  /** Rows that went on without a remote check. */
  unchecked: number;
  /** What the client said (HTTP status, Webex's description). */
  detail: string;
  trackingId: string | null;
}

/** The summary note of a precheck that stopped; the rows it did not check go on unchecked. */
export function renderPrecheckNote(partner: string, stop: PrecheckStop, locale: Locale): string {
  const n = stop.unchecked;
  const track = stop.trackingId ? ` [${stop.trackingId}]` : '';
  const text = {
    unreachable: {
      en: `partner ${partner}: Webex's precheck (/validate) could not be reached (${stop.detail})${track}; ${n} row${n === 1 ? '' : 's'} went on without a remote check. Nothing was refused for it; provisioning will report what Webex says.`,
      ja: `パートナー ${partner}: Webex の事前チェック（/validate）に接続できませんでした（${stop.detail}）${track}。${n}行はリモートチェックなしで処理を続けました。これによる拒否はありません。結果はプロビジョニングで報告されます。`,
      'pt-BR': `parceiro ${partner}: a pré-verificação do Webex (/validate) não pôde ser alcançada (${stop.detail})${track}; ${n} linha${n === 1 ? '' : 's'} seguiu sem verificação remota. Nada foi recusado por isso; o provisionamento informará o que o Webex disser.`,
    },
    auth: {
      en: `partner ${partner}: Webex refused the token for the precheck (${stop.detail})${track}; the precheck stopped for this partner and ${n} row${n === 1 ? '' : 's'} went on without it. Fix the token (partners.${partner}.webex.tokenEnv).`,
      ja: `パートナー ${partner}: 事前チェックで Webex がトークンを拒否しました（${stop.detail}）${track}。このパートナーの事前チェックは停止し、${n}行は事前チェックなしで処理を続けました。トークン（partners.${partner}.webex.tokenEnv）を修正してください。`,
      'pt-BR': `parceiro ${partner}: o Webex recusou o token na pré-verificação (${stop.detail})${track}; a pré-verificação parou para este parceiro e ${n} linha${n === 1 ? '' : 's'} seguiu sem ela. Corrija o token (partners.${partner}.webex.tokenEnv).`,
    },
  };
  return text[stop.reason][locale];
}

/** An issue as the run's report lists it (issues.csv, report.html), before it is put in words. */
export interface IssueFinding {
  partner: string;
  file: string | null;
  sheet: string | null;
  row: number | null;
  /** The sheet the column is in, for its label. */
  kind: 'customers' | 'subscribers';
  /** The canonical column (none: the row as a whole). */
  column: string | null;
  value: string | null;
  code: IssueCode;
  params: IssueParams;
}

/**
 * An issue in the words of the run's report (`reportLocale`, for operators): its column label and
 * message. Partners read their rows' issues in their own results file, rendered there.
 */
export function reportIssue(found: IssueFinding, locale: Locale): IssueRecord {
  const label = found.column ? columnLabel(found.kind, found.column, locale) : null;
  return {
    partner: found.partner,
    file: found.file,
    sheet: found.sheet,
    row: found.row,
    column: label,
    value: found.value,
    code: found.code,
    message: renderRowMessage(found.code, found.params, locale, found.row, label),
  };
}
