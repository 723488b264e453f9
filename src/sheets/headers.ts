import { resolvePackage } from '../rules/index.ts';
import type { Locale } from '../config/index.ts';

export type SheetKind = 'customers' | 'subscribers';

type Labels = Record<Locale, string>;

// Contract §3: canonical column → label in each locale. Canonical names are always recognised too.
export const CUSTOMER_COLUMNS: Readonly<Record<string, Labels>> = {
  external_id: { en: 'External ID', ja: '外部ID', 'pt-BR': 'ID externo' },
  customer_name: { en: 'Customer name', ja: '顧客名', 'pt-BR': 'Nome do cliente' },
  primary_email: { en: 'Primary email', ja: '主メールアドレス', 'pt-BR': 'E-mail principal' },
  language: { en: 'Language', ja: '言語', 'pt-BR': 'Idioma' },
  address_line1: { en: 'Address line 1', ja: '住所1', 'pt-BR': 'Endereço linha 1' },
  address_line2: { en: 'Address line 2', ja: '住所2', 'pt-BR': 'Endereço linha 2' },
  city: { en: 'City', ja: '市区町村', 'pt-BR': 'Cidade' },
  state_or_province: { en: 'State or province', ja: '都道府県', 'pt-BR': 'Estado' },
  zip_or_postal_code: { en: 'Postal code', ja: '郵便番号', 'pt-BR': 'CEP' },
  country: { en: 'Country', ja: '国', 'pt-BR': 'País' },
  packages: { en: 'Packages', ja: 'パッケージ', 'pt-BR': 'Pacotes' },
  provisioning_id: {
    en: 'Provisioning ID',
    ja: 'プロビジョニングID',
    'pt-BR': 'ID de provisionamento',
  },
  org_id: { en: 'Org ID', ja: '組織ID', 'pt-BR': 'ID da organização' },
  location_name: { en: 'Location name', ja: 'ロケーション名', 'pt-BR': 'Nome do local' },
  location_timezone: {
    en: 'Location time zone',
    ja: 'ロケーションのタイムゾーン',
    'pt-BR': 'Fuso horário do local',
  },
  location_language: {
    en: 'Location language',
    ja: 'ロケーションの言語',
    'pt-BR': 'Idioma do local',
  },
  meetings_timezone: {
    en: 'Meetings time zone',
    ja: '会議のタイムゾーン',
    'pt-BR': 'Fuso horário das reuniões',
  },
  action: { en: 'Action', ja: '操作', 'pt-BR': 'Ação' },
};

export const SUBSCRIBER_COLUMNS: Readonly<Record<string, Labels>> = {
  customer_external_id: {
    en: 'Customer external ID',
    ja: '顧客外部ID',
    'pt-BR': 'ID externo do cliente',
  },
  email: { en: 'Email', ja: 'メールアドレス', 'pt-BR': 'E-mail' },
  first_name: { en: 'First name', ja: '名', 'pt-BR': 'Nome' },
  last_name: { en: 'Last name', ja: '姓', 'pt-BR': 'Sobrenome' },
  package: { en: 'Package', ja: 'パッケージ', 'pt-BR': 'Pacote' },
  is_admin: { en: 'Admin', ja: '管理者', 'pt-BR': 'Administrador' },
  phone_number: { en: 'Phone number', ja: '電話番号', 'pt-BR': 'Telefone' },
  extension: { en: 'Extension', ja: '内線', 'pt-BR': 'Ramal' },
  location_id: { en: 'Location ID', ja: 'ロケーションID', 'pt-BR': 'ID do local' },
  action: { en: 'Action', ja: '操作', 'pt-BR': 'Ação' },
};

/** Columns whose absence makes a sheet unreadable as its kind. */
export const REQUIRED_COLUMNS: Readonly<Record<SheetKind, readonly string[]>> = {
  customers: ['external_id'],
  subscribers: ['customer_external_id', 'email'],
};

const LIMIT_LABELS = ['limit', '上限', 'limite'];

/** Folds a header for matching: NFKC, case, and runs of spaces, `_` and `-` (contract §3). */
export function foldHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

function indexLabels(columns: Readonly<Record<string, Labels>>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [canonical, labels] of Object.entries(columns)) {
    index.set(foldHeader(canonical), canonical);
    for (const label of Object.values(labels)) index.set(foldHeader(label), canonical);
  }
  return index;
}

const INDEX: Record<SheetKind, Map<string, string>> = {
  customers: indexLabels(CUSTOMER_COLUMNS),
  subscribers: indexLabels(SUBSCRIBER_COLUMNS),
};

/** The canonical name of one header cell for a sheet kind, or null when it is not ours. */
export function canonicalColumn(kind: SheetKind, header: string): string | null {
  const folded = foldHeader(header);
  const known = INDEX[kind].get(folded);
  if (known) return known;
  if (kind === 'customers') {
    for (const prefix of LIMIT_LABELS) {
      if (folded.startsWith(prefix + ' ') && folded.length > prefix.length + 1) {
        const pkg = folded.slice(prefix.length + 1);
        return `limit_${resolvePackage(pkg) ?? pkg.replace(/ /g, '_')}`;
      }
    }
  }
  return null;
}

export interface HeaderMap {
  kind: SheetKind;
  /** Canonical name per column position; null for columns we do not know (kept for the results). */
  columns: (string | null)[];
  missing: string[];
  duplicated: string[];
  matched: number;
}

/** Maps a header row for a kind, noting required columns missing and columns given twice. */
export function mapHeaderRow(kind: SheetKind, cells: readonly string[]): HeaderMap {
  const seen = new Set<string>();
  const duplicated: string[] = [];
  const columns = cells.map((cell) => {
    const canonical = canonicalColumn(kind, cell);
    if (canonical === null) return null;
    if (seen.has(canonical)) duplicated.push(canonical);
    seen.add(canonical);
    return canonical;
  });
  const missing = REQUIRED_COLUMNS[kind].filter((c) => !seen.has(c));
  return { kind, columns, missing, duplicated, matched: seen.size };
}

/** Recognises a sheet's kind from its header row: the kind with more matching columns, if any. */
export function recogniseHeader(cells: readonly string[]): HeaderMap | null {
  const customers = mapHeaderRow('customers', cells);
  const subscribers = mapHeaderRow('subscribers', cells);
  // `action` and `package(s)` are shared by both kinds; a real header has more than those.
  const best = subscribers.matched > customers.matched ? subscribers : customers;
  return best.matched >= 2 ? best : null;
}

/** A column's label in a locale, for messages and results files. */
export function columnLabel(kind: SheetKind, canonical: string, locale: Locale): string {
  const labels = (kind === 'customers' ? CUSTOMER_COLUMNS : SUBSCRIBER_COLUMNS)[canonical];
  if (labels) return labels[locale];
  if (canonical.startsWith('limit_')) {
    const prefix = { en: 'Limit', ja: '上限', 'pt-BR': 'Limite' }[locale];
    return `${prefix} ${canonical.slice('limit_'.length)}`;
  }
  return canonical;
}

/** Each locale's labels, folded: which language a header row is written in. */
const LOCALE_LABELS: Readonly<Record<Locale, ReadonlySet<string>>> = (() => {
  const out = {} as Record<Locale, Set<string>>;
  for (const columns of [CUSTOMER_COLUMNS, SUBSCRIBER_COLUMNS])
    for (const labels of Object.values(columns))
      for (const [locale, label] of Object.entries(labels) as [Locale, string][])
        (out[locale] ??= new Set()).add(foldHeader(label));
  return out;
})();

/**
 * The language a header row is written in: the locale whose labels it uses most, when one does
 * (labels several locales share, like "Webex ID", count for none). Null for canonical names only.
 */
export function headerLocale(cells: readonly string[]): Locale | null {
  const count = new Map<Locale, number>();
  for (const cell of cells) {
    const folded = foldHeader(cell);
    const owners = (Object.keys(LOCALE_LABELS) as Locale[]).filter((l) =>
      LOCALE_LABELS[l].has(folded),
    );
    if (owners.length === 1)
      count.set(owners[0] as Locale, (count.get(owners[0] as Locale) ?? 0) + 1);
  }
  const ranked = [...count].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || (second && second[1] === first[1])) return null;
  return first[0];
}

/**
 * The language partner-facing text about a sheet is in (row messages, the results file's columns
 * and words): the partner's configured locale; without one, the language of the sheet's header.
 */
export function sheetLocale(
  partner: { locale: Locale; localeConfigured: boolean },
  header: readonly string[],
): Locale {
  if (partner.localeConfigured) return partner.locale;
  return headerLocale(header) ?? partner.locale;
}
