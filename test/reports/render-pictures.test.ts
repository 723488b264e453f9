import { expect } from 'chai';
import { renderReportHtml } from '../../src/reports/index.ts';
import { escapeSvgText } from '../../src/reports/svg/svg-text.ts';
import { aSummary, aThreePartnerInput } from './builders.ts';

function svgOf(html: string, id: string): string {
  const from = html.indexOf(`<svg class="chart" id="${id}"`);
  expect(from, `${id} drawn`).to.be.greaterThan(-1);
  return html.slice(from, html.indexOf('</svg>', from) + 6);
}

describe('report.html pictures (inline SVG)', () => {
  it('when three partners had changes, then outcomes per partner are stacked bars with a title, an aria-label and the numbers in words', () => {
    const html = renderReportHtml(aThreePartnerInput());
    const svg = svgOf(html, 'chart-outcomes');
    expect(svg).to.include('role="img" aria-label="Changes per partner, by outcome"');
    expect(svg).to.include('<title>Changes per partner, by outcome</title>');
    // acme-br: created 12 + 1,100 and failed 2, one segment each, the total at the end.
    expect(svg).to.include('<title>acme-br: Created 1,112</title>');
    expect(svg).to.include('<title>acme-br: Failed 2</title>');
    expect(svg).to.include('>1,114</text>');
    expect(svg.match(/<text x="164" [^>]*text-anchor="end">/g)).to.have.length(3);
    expect(html).to.include(
      'acme-br: Created 1,112, Failed 2; lisboa-net: Unchanged 40; tokyo-tel: Updated 3, Pending 43',
    );
  });

  it('when rows were refused, then refusals by code are bars, most frequent first', () => {
    const svg = svgOf(renderReportHtml(aThreePartnerInput()), 'chart-refusals');
    const codes = [...svg.matchAll(/text-anchor="end">([A-Z_]+)</g)].map((m) => m[1]);
    expect(codes).to.deep.equal(['INVALID_EMAIL', 'PACKAGE_QUOTA', 'REQUIRED']);
  });

  it('when RPL reviews are open, then their ages are drawn against the overdue and 30-day lines, coloured by the lines they passed', () => {
    const html = renderReportHtml(aThreePartnerInput());
    const svg = svgOf(html, 'chart-rpl-ages');
    expect(svg.match(/<line [^>]*stroke-dasharray/g)).to.have.length(2);
    expect(svg).to.include('>30 d</text>');
    expect(svg).to.include('>60 min</text>');
    // 45 days: past both lines (red); 32 days: past both; 30 minutes: past none (blue).
    expect(svg).to.match(/fill="#dc2626"><title>tokyo-tel T-7: 45 d<\/title>/);
    expect(svg).to.match(/fill="#3b82f6"><title>lisboa-net L-2: 0 d<\/title>/);
    expect(html).to.include('Age of open RPL reviews (overdue after 60 min, candidate after 30 d)');
  });

  it('when customers have package limits, then quota use is drawn fullest first against the limit line, red past it, amber from 80%', () => {
    const html = renderReportHtml(aThreePartnerInput());
    const svg = svgOf(html, 'chart-quota');
    expect(svg).to.include('aria-label="Quota use, assigned against limit (the 3 fullest of 3)"');
    const labels = [...svg.matchAll(/<title>([^<]*): [0-9,]+ \/ [0-9,]+<\/title>/g)].map(
      (m) => m[1],
    );
    expect(labels).to.deep.equal([
      'tokyo-tel T-7 webex_calling',
      'tokyo-tel T-8 webex_meetings',
      'acme-br C-100 webex_calling',
    ]);
    expect(svg).to.match(/fill="#dc2626"><title>tokyo-tel T-7 webex_calling: 12 \/ 10<\/title>/);
    expect(svg).to.match(/fill="#d97706"><title>tokyo-tel T-8 webex_meetings: 17 \/ 20<\/title>/);
    expect(svg).to.match(/fill="#2f9e5b"><title>acme-br C-100 webex_calling: 40 \/ 100<\/title>/);
    expect(svg.match(/<line [^>]*stroke-dasharray/g)).to.have.length(1);
    expect(html).to.include(
      'tokyo-tel T-7 webex_calling 12 / 10, tokyo-tel T-8 webex_meetings 17 / 20',
    );
  });

  it('when there is nothing to draw, then the page has no pictures section', () => {
    const html = renderReportHtml({
      summary: aSummary({ issueCounts: {} }),
      issues: [],
      locale: 'en',
    });
    expect(html).not.to.include('<section id="pictures"');
    expect(html).not.to.include('<svg');
  });

  it('when partner text holds markup and a bidi override, then the pictures show it as text only', () => {
    const input = aThreePartnerInput('en');
    input.partnerChanges = [
      {
        partner: '<script>alert(1)</script>\u202E',
        entity: 'customer',
        outcome: 'created',
        count: 1,
      },
    ];
    const svg = svgOf(renderReportHtml(input), 'chart-outcomes');
    expect(svg).not.to.match(/<script|\u202E|<span/);
    expect(svg).to.include('&lt;script&gt;alert(1)&lt;/script&gt;U+202E');
    expect(escapeSvgText(`a"b'c&\u0000`)).to.equal('a&quot;b&#39;c&amp;U+0000');
  });

  it('when the locale is ja, then picture titles and numbers are Japanese', () => {
    const html = renderReportHtml(aThreePartnerInput('ja'));
    expect(svgOf(html, 'chart-outcomes')).to.include('<title>パートナー別の変更（結果別）</title>');
    expect(svgOf(html, 'chart-rpl-ages')).to.include('>30日</text>');
  });
});
