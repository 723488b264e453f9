import type { Locale } from '../config/index.ts';
import type { IssueCode, IssueParams } from './types.ts';

type Template = (p: IssueParams) => string;
type Templates = Partial<Record<IssueCode, Record<Locale, Template>>>;

const v = (p: IssueParams, k = 'value') => String(p[k] ?? '');

// What each code says, in the partner's language: where, what, and what to do.
const TEMPLATES: Templates = {
  REQUIRED: {
    en: () => 'a value is required here.',
    ja: () => '値を入力してください。',
    'pt-BR': () => 'este valor é obrigatório.',
  },
  INVALID_EMAIL: {
    en: (p) => `"${v(p)}" is not an email address (expected name@example.com).`,
    ja: (p) => `「${v(p)}」はメールアドレスではありません（例: name@example.com）。`,
    'pt-BR': (p) => `"${v(p)}" não é um endereço de e-mail (esperado nome@exemplo.com).`,
  },
  INVALID_COUNTRY: {
    en: (p) =>
      `"${v(p)}" is not an ISO 3166 two-letter country code${p.suggestion ? ` (did you mean ${v(p, 'suggestion')}?)` : ''}.`,
    ja: (p) =>
      `「${v(p)}」は ISO 3166 の2文字コードではありません。${p.suggestion ? `${v(p, 'suggestion')} を指定してください。` : ''}`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um código de país ISO 3166 de duas letras${p.suggestion ? ` (quis dizer ${v(p, 'suggestion')}?)` : ''}.`,
  },
  INVALID_NUMBER: {
    en: (p) => `"${v(p)}" is not a whole number.`,
    ja: (p) => `「${v(p)}」は整数ではありません。`,
    'pt-BR': (p) => `"${v(p)}" não é um número inteiro.`,
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
  ADDRESS_TOO_LONG: {
    en: (p) =>
      `the address line has ${v(p, 'length')} characters; at most ${v(p, 'max')} are allowed.`,
    ja: (p) => `住所が${v(p, 'length')}文字あります。${v(p, 'max')}文字以内にしてください。`,
    'pt-BR': (p) =>
      `a linha de endereço tem ${v(p, 'length')} caracteres; o máximo é ${v(p, 'max')}.`,
  },
  INVALID_NAME_CHAR: {
    en: (p) => `"${v(p)}" contains "%", which Webex does not accept in a customer name.`,
    ja: (p) => `「${v(p)}」に「%」が含まれています。顧客名に「%」は使えません。`,
    'pt-BR': (p) => `"${v(p)}" contém "%", que o Webex não aceita no nome do cliente.`,
  },
  UNKNOWN_PACKAGE: {
    en: (p) =>
      `"${v(p)}" is not a Webex Wholesale package (for example webex_calling or Webex Meetings).`,
    ja: (p) =>
      `「${v(p)}」は Webex Wholesale のパッケージではありません（例: webex_calling、Webex Meetings）。`,
    'pt-BR': (p) =>
      `"${v(p)}" não é um pacote Webex Wholesale (por exemplo webex_calling ou Webex Meetings).`,
  },
  ONE_PACKAGE_PER_USER: {
    en: (p) => `a user has exactly one package; "${v(p)}" lists ${v(p, 'count')}.`,
    ja: (p) => `ユーザーのパッケージは1つだけです。「${v(p)}」には${v(p, 'count')}個あります。`,
    'pt-BR': (p) => `cada usuário tem exatamente um pacote; "${v(p)}" lista ${v(p, 'count')}.`,
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
    en: (p) => `customer "${v(p)}" was refused in row ${v(p, 'customerRow')}; fix that row first.`,
    ja: (p) =>
      `顧客「${v(p)}」は${v(p, 'customerRow')}行目で拒否されました。先にその行を修正してください。`,
    'pt-BR': (p) =>
      `o cliente "${v(p)}" foi recusado na linha ${v(p, 'customerRow')}; corrija essa linha primeiro.`,
  },
  API_REJECTED: {
    en: (p) =>
      `Webex refused the change: ${v(p, 'description')} (error ${v(p, 'errorCode')}, tracking id ${v(p, 'trackingId')}).`,
    ja: (p) =>
      `Webex が変更を拒否しました: ${v(p, 'description')}（エラー ${v(p, 'errorCode')}、トラッキングID ${v(p, 'trackingId')}）。`,
    'pt-BR': (p) =>
      `o Webex recusou a alteração: ${v(p, 'description')} (erro ${v(p, 'errorCode')}, tracking id ${v(p, 'trackingId')}).`,
  },
};

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
export const DESCRIBED_CODES = Object.keys(TEMPLATES) as IssueCode[];
