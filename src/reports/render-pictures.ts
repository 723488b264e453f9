import { escapeHtml, escapeValue } from './html-page.ts';
import { planPartnerViews } from './render-partner-sections.ts';
import type { ReportContext } from './report-context.ts';
import type { ReportInput } from './report-input.ts';
import { renderAgeChart } from './svg/render-age-chart.ts';
import { renderBarChart, type BarSeries } from './svg/render-bar-chart.ts';
import { renderUsageChart } from './svg/render-usage-chart.ts';
import { CHANGE_KEYS, type ChangeCounts } from './summary.ts';

/** Most bars in one picture; the tables below list everything. */
export const PICTURE_BAR_LIMIT = 30;

const OUTCOME_COLORS: Readonly<Record<keyof ChangeCounts, string>> = {
  created: '#2f9e5b',
  updated: '#3b82f6',
  unchanged: '#cbd5e1',
  deleted: '#7c3aed',
  failed: '#dc2626',
  pending: '#f59e0b',
};
const DEFAULT_OVERDUE_MINUTES = 60;
const DEFAULT_CANDIDATE_DAYS = 30;

/** A picture with its heading and its numbers in words (the fallback to the drawing). */
function figure(id: string, title: string, svg: string, fallback: string): string {
  return `<figure id="${id}"><figcaption><h3>${escapeHtml(title)}</h3></figcaption>${svg}<p class="fallback msg">${fallback}</p></figure>`;
}

/** Pictures where people would rather look than read; nothing when there is nothing to draw. */
export function renderPictures(input: ReportInput, ctx: ReportContext): string {
  const figures = [
    outcomesPicture(input, ctx),
    refusalsPicture(input, ctx),
    rplAgePicture(input, ctx),
    quotaPicture(input, ctx),
  ].filter((f) => f !== '');
  if (figures.length === 0) return '';
  return `<section id="pictures"><h2>${escapeHtml(ctx.l.pictures)}</h2><div class="figures">${figures.join('\n')}</div></section>`;
}

function outcomesPicture(input: ReportInput, ctx: ReportContext): string {
  const { l, n } = ctx;
  const views = planPartnerViews(input)
    .map((v) => ({
      label: v.partner,
      values: Object.fromEntries(CHANGE_KEYS.map((k) => [k, v.customers[k] + v.subscribers[k]])),
    }))
    .filter((b) => Object.values(b.values).some((x) => x > 0))
    .slice(0, PICTURE_BAR_LIMIT);
  if (views.length === 0) return '';
  const series: BarSeries[] = CHANGE_KEYS.map((k) => ({
    key: k,
    label: l.change[k],
    color: OUTCOME_COLORS[k],
  }));
  const fallback = views
    .map(
      (b) =>
        `${escapeValue(b.label)}: ${CHANGE_KEYS.filter((k) => (b.values[k] ?? 0) > 0)
          .map((k) => `${escapeHtml(l.change[k])} ${n(b.values[k] ?? 0)}`)
          .join(', ')}`,
    )
    .join('; ');
  return figure(
    'picture-outcomes',
    l.outcomesPerPartner,
    renderBarChart({
      id: 'chart-outcomes',
      title: l.outcomesPerPartner,
      series,
      bars: views,
      format: n,
    }),
    fallback,
  );
}

function refusalsPicture(input: ReportInput, ctx: ReportContext): string {
  const { l, n } = ctx;
  const entries = Object.entries(input.summary.issueCounts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, PICTURE_BAR_LIMIT);
  if (entries.length === 0) return '';
  const bars = entries.map(([code, count]) => ({ label: code, values: { count } }));
  return figure(
    'picture-refusals',
    l.issueCounts,
    renderBarChart({
      id: 'chart-refusals',
      title: l.issueCounts,
      series: [{ key: 'count', label: l.count, color: '#b42318' }],
      bars,
      format: n,
    }),
    entries.map(([code, count]) => `${escapeHtml(code)} ${n(count)}`).join(', '),
  );
}

function rplAgePicture(input: ReportInput, ctx: ReportContext): string {
  const { l, n } = ctx;
  const open = input.rpl?.open ?? [];
  if (open.length === 0) return '';
  const overdue = input.rpl?.limits?.overdueMinutes ?? DEFAULT_OVERDUE_MINUTES;
  const candidateDays = input.rpl?.limits?.candidateDays ?? DEFAULT_CANDIDATE_DAYS;
  const oldest = [...open].sort((a, b) => b.ageMinutes - a.ageMinutes).slice(0, PICTURE_BAR_LIMIT);
  const days = (d: number) => l.days(n(Math.floor(d)));
  const overdueText = overdue < 1440 ? l.minutes(n(overdue)) : days(overdue / 1440);
  const lines = [
    { label: `${overdueText}`, minutes: overdue },
    { label: days(candidateDays), minutes: candidateDays * 1440 },
  ];
  const title = `${l.rplAges} (${l.rplAgeLines(overdueText, days(candidateDays))})`;
  return figure(
    'picture-rpl-ages',
    title,
    renderAgeChart({
      id: 'chart-rpl-ages',
      title,
      bars: oldest.map((c) => ({
        label: `${c.partner} ${c.externalId}`,
        ageMinutes: c.ageMinutes,
      })),
      lines,
      dayLabel: days,
    }),
    oldest
      .map(
        (c) =>
          `${escapeValue(c.partner)} ${escapeValue(c.externalId)} ${days(c.ageMinutes / 1440)}`,
      )
      .join(', '),
  );
}

/** The fullest quotas first (assigned over limit), at most PICTURE_BAR_LIMIT (pure). */
export function planQuotaBars(input: ReportInput): NonNullable<ReportInput['quotaUse']> {
  const share = (q: { assigned: number; limit: number }) =>
    q.limit > 0 ? q.assigned / q.limit : q.assigned > 0 ? Infinity : 0;
  return [...(input.quotaUse ?? [])]
    .sort((a, b) => share(b) - share(a) || b.assigned - a.assigned)
    .slice(0, PICTURE_BAR_LIMIT);
}

function quotaPicture(input: ReportInput, ctx: ReportContext): string {
  const { l, n } = ctx;
  const shown = planQuotaBars(input);
  if (shown.length === 0) return '';
  const title = l.quotaUse(n(shown.length), n(input.quotaUse?.length ?? 0));
  const text = (q: { assigned: number; limit: number }) => `${n(q.assigned)} / ${n(q.limit)}`;
  return figure(
    'picture-quota',
    title,
    renderUsageChart({
      id: 'chart-quota',
      title,
      limitLabel: l.quotaLimit,
      bars: shown.map((q) => ({
        label: `${q.partner} ${q.customer} ${q.package}`,
        used: q.assigned,
        limit: q.limit,
        text: text(q),
      })),
    }),
    shown
      .map(
        (q) =>
          `${escapeValue(q.partner)} ${escapeValue(q.customer)} ${escapeValue(q.package)} ${text(q)}`,
      )
      .join(', '),
  );
}
