import { escapeSvgText, shortLabel } from './svg-text.ts';

/** One series of a bar chart (an outcome, a code): its key, legend label and fill colour. */
export interface BarSeries {
  key: string;
  label: string;
  color: string;
}

/** One bar: its label (partner text, escaped here) and a value per series key. */
export interface Bar {
  label: string;
  values: Readonly<Record<string, number>>;
}

const WIDTH = 720;
const LABEL_WIDTH = 170;
const TOTAL_WIDTH = 70;
const ROW_HEIGHT = 22;
const LEGEND_HEIGHT = 24;

/**
 * Horizontal stacked bars drawn as inline SVG (no script, no network): one bar per entry, one
 * segment per series, the total at the end. `title` becomes the picture's <title> and aria-label;
 * the caller gives the text fallback next to it.
 */
export function renderBarChart(opts: {
  id: string;
  title: string;
  series: readonly BarSeries[];
  bars: readonly Bar[];
  format: (value: number) => string;
}): string {
  const { id, series, bars, format } = opts;
  const totals = bars.map((b) => series.reduce((sum, s) => sum + (b.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plot = WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
  const showLegend = series.length > 1;
  const top = showLegend ? LEGEND_HEIGHT : 4;
  const height = top + bars.length * ROW_HEIGHT + 4;
  const legend = showLegend
    ? series
        .map((s, i) => {
          const x = LABEL_WIDTH + i * 100;
          return `<rect x="${x}" y="4" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="13" class="lg">${escapeSvgText(shortLabel(s.label, 14))}</text>`;
        })
        .join('')
    : '';
  const rows = bars
    .map((b, i) => {
      const y = top + i * ROW_HEIGHT;
      let x = LABEL_WIDTH;
      const segments = series
        .map((s) => {
          const value = b.values[s.key] ?? 0;
          if (value <= 0) return '';
          const w = Math.max(1, (value / max) * plot);
          const rect = `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_HEIGHT - 6}" fill="${s.color}"><title>${escapeSvgText(`${b.label}: ${s.label} ${format(value)}`)}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      return `<text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end">${escapeSvgText(shortLabel(b.label))}</text>${segments}<text x="${(x + 4).toFixed(1)}" y="${y + 15}" class="tot">${escapeSvgText(format(totals[i] ?? 0))}</text>`;
    })
    .join('\n');
  const title = escapeSvgText(opts.title);
  return `<svg class="chart" id="${escapeSvgText(id)}" role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${title}</title>${legend}
${rows}</svg>`;
}
