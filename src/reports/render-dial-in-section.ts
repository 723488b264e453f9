// R-DIAL-1 in the reports: each customer accepted in the run with its Webex location and the
// default Meetings call-in number the rules chose. Pure: the run's shell reads the lines from the
// ledger (readDialInsStagedByRun) and passes them in ReportInput.dialIns.
import type { Locale } from '../config/index.ts';
import { countryName } from '../rules/index.ts';
import { escapeHtml, escapeValue } from './html-page.ts';
import { formatCount } from './labels.ts';

/** One accepted customer's R-DIAL-1 result, as the reports list it. */
export interface DialInLine {
  partner: string;
  file: string | null;
  row: number | null;
  externalId: string;
  name: string | null;
  /** ISO 3166-1 alpha-2; the reports add its name in their locale. */
  country: string;
  location: string;
  dialIn: string;
  source: 'telephony-domain' | 'location-default';
}

/** Rows listed in report.html; report.xlsx lists them all. */
export const DIAL_IN_HTML_LIMIT = 1000;

interface DialInLabels {
  title: string;
  intro: string;
  partner: string;
  file: string;
  row: string;
  externalId: string;
  name: string;
  country: string;
  location: string;
  dialIn: string;
  source: string;
  sources: Record<DialInLine['source'], string>;
  more: (n: string) => string;
}

const LABELS: Record<Locale, DialInLabels> = {
  en: {
    title: 'Meetings dial-in (R-DIAL-1)',
    intro:
      "Customers accepted in this run, with their Webex location and the default Meetings call-in number: the telephony domain's first number for the country, else the location's default.",
    partner: 'Partner',
    file: 'File',
    row: 'Row',
    externalId: 'External ID',
    name: 'Customer name',
    country: 'Country',
    location: 'Location',
    dialIn: 'Dial-in number',
    source: 'From',
    sources: {
      'telephony-domain': "telephony domain's list",
      'location-default': 'location default',
    },
    more: (n) => `${n} more customers are listed in report.xlsx.`,
  },
  ja: {
    title: '会議のダイヤルイン番号（R-DIAL-1）',
    intro:
      'この実行で受け付けた顧客と、その Webex ロケーションおよび会議の既定のダイヤルイン番号です。テレフォニードメインにその国の番号があれば最初の番号、なければロケーションの既定番号です。',
    partner: 'パートナー',
    file: 'ファイル',
    row: '行',
    externalId: '外部ID',
    name: '顧客名',
    country: '国',
    location: 'ロケーション',
    dialIn: 'ダイヤルイン番号',
    source: '出典',
    sources: {
      'telephony-domain': 'テレフォニードメインの一覧',
      'location-default': 'ロケーションの既定値',
    },
    more: (n) => `ほか ${n} 件の顧客は report.xlsx に記載されています。`,
  },
  'pt-BR': {
    title: 'Número de discagem das reuniões (R-DIAL-1)',
    intro:
      'Clientes aceitos nesta execução, com o local Webex e o número padrão de discagem das reuniões: o primeiro número do domínio de telefonia para o país, senão o padrão do local.',
    partner: 'Parceiro',
    file: 'Arquivo',
    row: 'Linha',
    externalId: 'ID externo',
    name: 'Nome do cliente',
    country: 'País',
    location: 'Local',
    dialIn: 'Número de discagem',
    source: 'Origem',
    sources: {
      'telephony-domain': 'lista do domínio de telefonia',
      'location-default': 'padrão do local',
    },
    more: (n) => `Mais ${n} clientes estão listados no report.xlsx.`,
  },
};

/** The workbook sheet's name, fixed in every locale like the others. */
export const DIAL_IN_SHEET = 'Dial-in';

/** `JP (Japan)`, `JP（日本）`; the code alone when the table does not know it. */
function country(d: DialInLine, locale: Locale): string {
  const name = countryName(d.country, locale);
  if (name === d.country) return d.country;
  return locale === 'ja' ? `${d.country}（${name}）` : `${d.country} (${name})`;
}

/** The header of the workbook's Dial-in sheet. */
export function dialInColumns(locale: Locale): string[] {
  const l = LABELS[locale];
  return [
    l.partner,
    l.file,
    l.row,
    l.externalId,
    l.name,
    l.country,
    l.location,
    l.dialIn,
    l.source,
  ];
}

/** One line as workbook cells (plain values; the writer makes partner text safe). */
export function dialInCells(d: DialInLine, locale: Locale): (string | number | null)[] {
  return [
    d.partner,
    d.file,
    d.row,
    d.externalId,
    d.name,
    country(d, locale),
    d.location,
    d.dialIn,
    LABELS[locale].sources[d.source],
  ];
}

/** The report.html section; every partner value escaped. */
export function renderDialInSection(lines: readonly DialInLine[], locale: Locale): string {
  const l = LABELS[locale];
  const n = (value: number) => formatCount(locale, value);
  const head = `<section id="dial-in"><h2>${escapeHtml(l.title)} <span class="muted">(${n(lines.length)})</span></h2><p class="muted">${escapeHtml(l.intro)}</p>`;
  if (lines.length === 0) return `${head}</section>`;
  const shown = lines.slice(0, DIAL_IN_HTML_LIMIT);
  const rows = shown.map(
    (d) => `<tr>
<td class="nowrap">${escapeValue(d.partner)}</td>
<td class="name">${escapeValue(d.file)}</td>
<td class="num">${d.row === null ? '' : n(d.row)}</td>
<td class="val">${escapeValue(d.externalId)}</td>
<td class="name">${escapeValue(d.name)}</td>
<td>${escapeValue(country(d, locale))}</td>
<td><code>${escapeHtml(d.location)}</code></td>
<td class="nowrap">${escapeValue(d.dialIn)}</td>
<td><span class="badge ${d.source === 'telephony-domain' ? 'ok' : 'gray'}">${escapeHtml(l.sources[d.source])}</span></td>
</tr>`,
  );
  const more = lines.length - shown.length;
  const th = (label: string, cls = '') =>
    `<th${cls ? ` class="${cls}"` : ''}>${escapeHtml(label)}</th>`;
  return `${head}<div class="scroll"><table>
<thead><tr>${th(l.partner)}${th(l.file)}${th(l.row, 'num')}${th(l.externalId)}${th(l.name)}${th(l.country)}${th(l.location)}${th(l.dialIn)}${th(l.source)}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>${more > 0 ? `<p class="more">${escapeHtml(l.more(n(more)))}</p>` : ''}</section>`;
}

/** A staged customer as the ledger gives it (the store's StagedCustomer fits). */
export interface StagedCustomerLike {
  partner: string;
  externalId: string;
  file: string | null;
  row: number | null;
  desired: unknown;
}

/** The report lines of staged customers: those whose document carries R-DIAL-1's result. */
export function planDialInLines(customers: readonly StagedCustomerLike[]): DialInLine[] {
  const lines: DialInLine[] = [];
  for (const c of customers) {
    const d = (c.desired ?? {}) as {
      name?: unknown;
      address?: { country?: unknown };
      meetingsDialIn?: { location?: unknown; dialIn?: unknown; dialInSource?: unknown };
    };
    const m = d.meetingsDialIn;
    if (!m || typeof m.dialIn !== 'string' || typeof m.location !== 'string') continue;
    lines.push({
      partner: c.partner,
      file: c.file,
      row: c.row,
      externalId: c.externalId,
      name: typeof d.name === 'string' ? d.name : null,
      country: typeof d.address?.country === 'string' ? d.address.country : '',
      location: m.location,
      dialIn: m.dialIn,
      source: m.dialInSource === 'telephony-domain' ? 'telephony-domain' : 'location-default',
    });
  }
  return lines;
}
