import { escapeSvgText, shortLabel } from './svg-text.ts';

/** One open review: its label (partner text, escaped here) and its age in minutes. */
export interface AgeBar {
  label: string;
  ageMinutes: number;
}

const WIDTH = 720;
const LABEL_WIDTH = 170;
const ROW_HEIGHT = 16;
const TOP = 22;
const MINUTES_PER_DAY = 1440;

/**
 * Ages drawn as bars in days against two dashed lines (overdue, deprovisioning candidate), as
 * inline SVG. A bar past a line takes its colour. The caller gives the text fallback.
 */
export function renderAgeChart(opts: {
  id: string;
  title: string;
  bars: readonly AgeBar[];
  lines: readonly { label: string; minutes: number }[];
  dayLabel: (days: number) => string;
}): string {
  const { bars, lines } = opts;
  const maxMinutes =
    Math.max(MINUTES_PER_DAY, ...bars.map((b) => b.ageMinutes), ...lines.map((l) => l.minutes)) *
    1.05;
  const plot = WIDTH - LABEL_WIDTH - 20;
  const xOf = (minutes: number) => LABEL_WIDTH + (Math.max(0, minutes) / maxMinutes) * plot;
  const height = TOP + bars.length * ROW_HEIGHT + 22;
  const sorted = [...lines].sort((a, b) => a.minutes - b.minutes);
  const colorOf = (minutes: number) => {
    const passed = sorted.filter((l) => minutes >= l.minutes).length;
    return passed === 0 ? '#3b82f6' : passed === 1 ? '#d97706' : '#dc2626';
  };
  const rows = bars
    .map((b, i) => {
      const y = TOP + i * ROW_HEIGHT;
      const w = Math.max(1, xOf(b.ageMinutes) - LABEL_WIDTH);
      return `<text x="${LABEL_WIDTH - 6}" y="${y + 12}" text-anchor="end" class="sm">${escapeSvgText(shortLabel(b.label))}</text><rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_HEIGHT - 5}" fill="${colorOf(b.ageMinutes)}"><title>${escapeSvgText(`${b.label}: ${opts.dayLabel(b.ageMinutes / MINUTES_PER_DAY)}`)}</title></rect>`;
    })
    .join('\n');
  const marks = sorted
    .map((l, i) => {
      const x = xOf(l.minutes).toFixed(1);
      return `<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${height - 18}" stroke="#b42318" stroke-dasharray="4 3"/><text x="${x}" y="${i % 2 === 0 ? 12 : height - 6}" text-anchor="middle" class="sm">${escapeSvgText(l.label)}</text>`;
    })
    .join('');
  const title = escapeSvgText(opts.title);
  return `<svg class="chart" id="${escapeSvgText(opts.id)}" role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${title}</title>
${rows}${marks}</svg>`;
}
