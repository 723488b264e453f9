import { expect } from 'chai';
import { planPartnerViews, renderReportHtml, REPORT_SECTIONS } from '../../src/reports/index.ts';
import { aSummary, aThreePartnerInput } from './builders.ts';

/** The HTML of one element that starts with `start`, up to its matching `end` (no nesting). */
function slice(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  expect(from, `${start} in the page`).to.be.greaterThan(-1);
  return html.slice(from, html.indexOf(end, from) + end.length);
}

describe('report.html partner sections', () => {
  it('when a run touched three partners, then each has its files, rows, changes, refusals by code, RPL customers and results files', () => {
    const views = planPartnerViews(aThreePartnerInput());
    expect(views.map((v) => v.partner)).to.deep.equal(['acme-br', 'lisboa-net', 'tokyo-tel']);
    const acme = views[0];
    expect(acme?.rows).to.deep.equal({ total: 1234, accepted: 1200, rejected: 34 });
    expect(acme?.customers.created).to.equal(12);
    expect(acme?.subscribers).to.include({ created: 1100, failed: 2 });
    expect(acme?.refusals).to.deep.equal([
      ['INVALID_EMAIL', 30],
      ['REQUIRED', 4],
    ]);
    expect(acme?.rplOpen.map((c) => c.externalId)).to.deep.equal(['C-100']);
    expect(views[2]?.refusals).to.deep.equal([['PACKAGE_QUOTA', 20]]);
    expect(views[2]?.subscribers.pending).to.equal(43);

    const html = renderReportHtml(aThreePartnerInput());
    const tokyo = slice(
      html,
      '<details class="partner" open data-partner="tokyo-tel">',
      '</details>',
    );
    expect(tokyo).to.include('顧客一覧.xlsx');
    expect(tokyo).to.include('<code>PACKAGE_QUOTA</code> 20');
    expect(tokyo).to.include('東京商事');
    expect(tokyo).to.include('Deprovisioning candidate');
    expect(tokyo).to.include(
      `<a class="results-file" href="../../outbox/tokyo-tel/${encodeURIComponent('顧客一覧.xlsx.results.xlsx')}">`,
    );
  });

  it('when a partner has nothing that needs reading, then its section is one closed line; with refusals it opens', () => {
    const html = renderReportHtml(aThreePartnerInput());
    expect(html).to.include('<details class="partner" data-partner="lisboa-net">');
    expect(html).to.include('<details class="partner" open data-partner="acme-br">');
    const lisboa = slice(html, '<details class="partner" data-partner="lisboa-net">', '</summary>');
    expect(lisboa).to.match(
      /Files <b>1<\/b> · Rows <b>40<\/b> · Rejected <b>0<\/b> · Changes <b>40<\/b>/,
    );
    expect(slice(html, 'data-partner="lisboa-net"', '</details>')).to.include(
      'No results file written in this run.',
    );
  });

  it('when partner names hold markup, then the partner sections show them escaped', () => {
    const input = aThreePartnerInput('en', '<img src=x onerror=alert(1)>');
    input.summary.files[0] = { ...input.summary.files[0]!, partner: '"><script>x</script>' };
    const html = renderReportHtml(input);
    expect(html).not.to.match(/<img|<script>x/);
    expect(html).to.include('data-partner="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  it('when the report is rendered, then the status badge and the attention list come before the tiles, pictures and partners', () => {
    const html = renderReportHtml(aThreePartnerInput());
    const at = (needle: string) => html.indexOf(needle);
    expect(at('<span class="badge warn lg">Needs attention</span>')).to.be.greaterThan(-1);
    expect(at('<span class="badge warn lg">')).to.be.lessThan(at('<section id="attention"'));
    for (const later of [
      '<section id="totals"',
      '<section id="pictures"',
      '<section id="partners"',
    ])
      expect(at('<section id="attention"')).to.be.lessThan(at(later));
    expect(at('<section id="pictures"')).to.be.lessThan(at('<section id="partners"'));
  });

  it('when a section has nothing to show, then it is one line: its heading and why', () => {
    const html = renderReportHtml({
      summary: aSummary({ files: [], notes: [] }),
      issues: [],
      locale: 'en',
    });
    expect(html).to.include(
      '<section id="files" class="empty"><h2>Files <span class="muted">· No files were read in this run.</span></h2></section>',
    );
    expect(html).to.include('<section id="issues" class="empty">');
    expect(html).to.include('<section id="notes" class="empty">');
    expect(html).to.include('<section id="partners" class="empty">');
  });

  it('when a section is added as one entry of the list, then the page renders it in place', () => {
    const sections = [
      ...REPORT_SECTIONS,
      { id: 'billing', render: () => '<section id="billing"><h2>Billing</h2></section>' },
    ];
    const html = renderReportHtml(aThreePartnerInput(), sections);
    expect(html.indexOf('<section id="rpl"')).to.be.lessThan(html.indexOf('<section id="billing"'));
    expect(html.indexOf('<section id="billing"')).to.be.lessThan(html.indexOf('<footer>'));
  });
});
