import { escapeSvgText, shortLabel } from './svg-text.ts';

/** One quota: its label (partner text, escaped here), how many hold it and its limit. */
export interface UsageBar {
  label: string;
  used: number;
  limit: number;
  /** The text at the end of the bar ("12 / 10"). */
  text: string;
}

const WIDTH = 720;
const LABEL_WIDTH = 230;
const TEXT_WIDTH = 90;
const ROW_HEIGHT = 18;
const TOP = 18;
/** Bars are drawn up to this share of the limit; beyond it they are cut (the text says how far). */
const MAX_SHARE = 1.25;

/**
 * Use against limit, one bar per quota, each scaled to its own limit: a dashed line at 100%, the
 * bar green below 80%, amber up to the limit, red past it. Inline SVG; the caller gives the text fallback.
 */
export function renderUsageChart(opts: {
  id: string;
  title: string;
  limitLabel: string;
  bars: readonly UsageBar[];
}): string {
  const plot = WIDTH - LABEL_WIDTH - TEXT_WIDTH;
  const full = LABEL_WIDTH + plot / MAX_SHARE;
  const height = TOP + opts.bars.length * ROW_HEIGHT + 6;
  const rows = opts.bars
    .map((b, i) => {
      const y = TOP + i * ROW_HEIGHT;
      const share = b.limit > 0 ? b.used / b.limit : b.used > 0 ? MAX_SHARE : 0;
      const w = Math.max(1, (Math.min(share, MAX_SHARE) / MAX_SHARE) * plot);
      const color = share > 1 ? '#dc2626' : share >= 0.8 ? '#d97706' : '#2f9e5b';
      return `<text x="${LABEL_WIDTH - 6}" y="${y + 13}" text-anchor="end" class="sm">${escapeSvgText(shortLabel(b.label, 34))}</text><rect x="${LABEL_WIDTH}" y="${y + 3}" width="${(plot / MAX_SHARE).toFixed(1)}" height="${ROW_HEIGHT - 6}" fill="#eef1f5"/><rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_HEIGHT - 6}" fill="${color}"><title>${escapeSvgText(`${b.label}: ${b.text}`)}</title></rect><text x="${LABEL_WIDTH + plot + 6}" y="${y + 13}" class="sm">${escapeSvgText(b.text)}</text>`;
    })
    .join('\n');
  const title = escapeSvgText(opts.title);
  return `<svg class="chart" id="${escapeSvgText(opts.id)}" role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${title}</title>
${rows}<line x1="${full.toFixed(1)}" y1="${TOP - 4}" x2="${full.toFixed(1)}" y2="${height - 4}" stroke="#b42318" stroke-dasharray="4 3"/><text x="${full.toFixed(1)}" y="11" text-anchor="middle" class="sm">${escapeSvgText(opts.limitLabel)}</text></svg>`;
}
