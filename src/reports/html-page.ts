import { createHash } from 'node:crypto';

/** Report pages are opened from disk and from email: nothing may load or run, only inline styles. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The CSP of a page with one inline script: that exact script text may run (its sha256), nothing else. */
export function reportCsp(script?: string): string {
  if (script === undefined) return REPORT_CSP;
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return `${REPORT_CSP}; script-src 'sha256-${hash}'`;
}

/**
 * Sorting and filtering of the tables marked `data`: a filter box above each (made here, so that
 * with scripting off the page shows no dead control) and a click (or Enter) on a heading sorts by
 * it, numbers by value (data-v or data-minutes when present). Rows are only hidden or reordered.
 */
export const TABLE_SCRIPT = `(function () {
  var label = document.body.getAttribute('data-filter') || 'Filter';
  function key(cell, num) {
    if (!cell) return num ? 0 : '';
    var v = cell.getAttribute('data-v') || cell.getAttribute('data-minutes');
    if (num) return Number(v !== null ? v : cell.textContent.replace(/[^0-9-]/g, '')) || 0;
    return cell.textContent.trim().toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.data'), function (table) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body) return;
    var box = table.parentNode.classList.contains('scroll') ? table.parentNode : table;
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'filter';
    input.placeholder = label;
    input.setAttribute('aria-label', label);
    box.parentNode.insertBefore(input, box);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = q !== '' && row.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
    Array.prototype.forEach.call(head.rows[0].cells, function (th, i) {
      var dir = 1;
      th.tabIndex = 0;
      th.classList.add('sortable');
      function sort() {
        var num = th.classList.contains('num');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[i], num), y = key(b.cells[i], num);
          return (num ? x - y : x < y ? -1 : x > y ? 1 : 0) * dir;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(head.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        dir = -dir;
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
    });
  });
})();`;

/** Longest partner value shown in a page; the CSV and the workbook keep the whole value. */
export const MAX_HTML_VALUE_CHARS = 500;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Controls and bidi overrides (RLO U+202E and friends) would make a partner's file name or value
// read differently from what it is, so they are shown as their code point instead.
const SPECIAL =
  // eslint-disable-next-line no-control-regex
  /[&<>"']|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Escapes text for an HTML element or a quoted attribute, making invisible controls visible. */
export function escapeHtml(text: string): string {
  return text.replace(SPECIAL, (ch) => {
    const entity = ESCAPES[ch];
    if (entity !== undefined) return entity;
    const cp = ch.codePointAt(0) ?? 0;
    return `<span class="cc">U+${cp.toString(16).toUpperCase().padStart(4, '0')}</span>`;
  });
}

/** Escapes a partner value, cutting it at MAX_HTML_VALUE_CHARS code points. */
export function escapeValue(text: string | null | undefined, max = MAX_HTML_VALUE_CHARS): string {
  if (text === null || text === undefined || text === '') return '<span class="muted">—</span>';
  const chars = Array.from(text);
  return chars.length > max ? `${escapeHtml(chars.slice(0, max).join(''))}…` : escapeHtml(text);
}

const CSS = `
:root{--fg:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f4f6f9;--card:#fff;--head:#eef1f5;
--ok:#0b6b37;--ok-bg:#e2f5e9;--warn:#845300;--warn-bg:#fff3d1;--bad:#b42318;--bad-bg:#fde8e6;
--info:#1d4ed8;--info-bg:#e3ecff;--gray:#4b5563;--gray-bg:#eceff3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,"Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic UI","Yu Gothic",Meiryo,
"Noto Sans CJK JP","Noto Sans JP",sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px}
header.run,section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 24px;margin:0 0 16px}
h1{font-size:22px;margin:0;line-height:1.3}
h2{font-size:16px;margin:0 0 12px}
h3{font-size:13px;margin:16px 0 8px;color:var(--muted);font-weight:600}
.title{display:flex;flex-wrap:wrap;align-items:center;gap:12px}
.run-id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
dl.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px 24px;margin:16px 0 0}
dl.meta .wide{grid-column:span 2}
dl.meta dt{color:var(--muted);font-size:12px}
dl.meta dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.links{margin:14px 0 0;font-size:13px;color:var(--muted)}
.links a{margin-right:14px;color:var(--info)}
.badge{display:inline-block;padding:1px 10px;border-radius:999px;font-size:12px;font-weight:600;
border:1px solid currentColor;white-space:nowrap;line-height:1.6;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.badge.lg{font-size:14px;padding:2px 14px}
.ok{color:var(--ok);background:var(--ok-bg)}
.warn{color:var(--warn);background:var(--warn-bg)}
.bad{color:var(--bad);background:var(--bad-bg)}
.info{color:var(--info);background:var(--info-bg)}
.gray{color:var(--gray);background:var(--gray-bg)}
.banner{border:1px solid currentColor;border-radius:8px;padding:12px 16px;margin:0 0 16px;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.banner strong{display:block;margin-bottom:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin:0 0 8px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card .label{color:var(--muted);font-size:12px}
.card .big{font-size:28px;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}
.card .sub{font-size:12px;color:var(--muted)}
.card .sub b{color:var(--fg)}
.card .sub b.neg{color:var(--bad)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 24px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--head);color:var(--gray);font-size:12px;font-weight:600;white-space:nowrap}
tbody tr:nth-child(even)>*{background:#fafbfc}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.zero{color:#a0aab4}
.neg{color:var(--bad);font-weight:600}
code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:var(--gray-bg);
padding:1px 6px;border-radius:4px;white-space:nowrap}
.val,.msg,.name{white-space:pre-wrap;overflow-wrap:anywhere}
td.name{min-width:11em}
td.val{min-width:10em}
td.msg{min-width:16em}
.val{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.cc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:10px;color:var(--bad);border:1px dashed var(--bad);
border-radius:3px;padding:0 2px;margin:0 1px}
.muted{color:var(--muted)}
ul.notes{margin:0;padding-left:20px}
ul.notes li{margin:2px 0}
p.more{margin:10px 0 0;color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 24px}
section.empty{padding:10px 24px}
section.empty h2{margin:0;font-size:14px}
details.partner{border-top:1px solid var(--line);padding:8px 0}
details.partner summary{cursor:pointer;overflow-wrap:anywhere}
details.partner summary .muted{font-size:12px}
ul.plain{margin:0;padding-left:18px}
ul.plain li{overflow-wrap:anywhere}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr));gap:8px 24px}
figure{margin:0;min-width:0}
svg.chart{display:block;max-width:100%;height:auto;font:11px system-ui,sans-serif}
svg.chart text{fill:var(--fg)}
svg.chart .lg,svg.chart .sm{font-size:10px}
svg.chart .tot{fill:var(--muted)}
p.fallback{font-size:11px;color:var(--muted);margin:4px 0 12px}
input.filter{display:block;width:min(100%,320px);margin:0 0 8px;padding:4px 8px;font:inherit;border:1px solid var(--line);border-radius:6px}
th.sortable{cursor:pointer}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
tr[hidden]{display:none}
@media print{
body{background:#fff;font-size:11px}
main{max-width:none;padding:0}
header.run,section{border:0;border-radius:0;padding:0;margin:0 0 14px}
h2{break-after:avoid}
thead{display:table-header-group}
tr{break-inside:avoid}
tbody tr:nth-child(even)>*{background:none}
.scroll{overflow:visible}
.links{display:none}
a{color:inherit;text-decoration:none}
}
`;

/**
 * A complete, self-contained HTML document around an already-escaped body; `script`, when given,
 * is our own inline script (TABLE_SCRIPT), allowed by the CSP through its hash.
 */
export function renderPage(opts: {
  lang: string;
  title: string;
  body: string;
  script?: string;
  /** The filter box's label (the script makes the box). */
  filterLabel?: string;
}): string {
  return `<!doctype html>
<html lang="${escapeHtml(opts.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp(opts.script)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(opts.title)}</title>
<style>${CSS}</style>
</head>
<body${opts.filterLabel === undefined ? '' : ` data-filter="${escapeHtml(opts.filterLabel)}"`}>
<main>
${opts.body}
</main>${opts.script === undefined ? '' : `\n<script>${opts.script}</script>`}
</body>
</html>
`;
}

/** The badge colour of a run status. */
export function runStatusTone(status: string): string {
  switch (status) {
    case 'ok':
      return 'ok';
    case 'partial':
    case 'attention':
      return 'warn';
    case 'failed':
      return 'bad';
    case 'running':
      return 'info';
    default:
      return 'gray';
  }
}

/** Shows an ISO 8601 timestamp as written, easier to read ("2025-03-01 02:00:13Z"). */
export function formatTimestamp(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  return iso.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?/, '$1 $2');
}

/** Elapsed time between two ISO timestamps as h:mm:ss, or — when either is missing or unreadable. */
export function formatDuration(startIso: string, endIso: string | null): string {
  if (endIso === null) return '—';
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}
