import { expect } from 'chai';
import {
  labelsFor,
  renderReportHtml,
  renderReportsIndexHtml,
  rplLabelsFor,
} from '../../src/reports/index.ts';
import { aThreePartnerInput, visibleText } from './builders.ts';

/** Every fixed string of a label dictionary (functions are called with a marker). */
function labelStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [];
  if (value && typeof value === 'object') return Object.values(value).flatMap(labelStrings);
  return [];
}

describe('report.html in the report locale', () => {
  for (const locale of ['ja', 'pt-BR'] as const) {
    it(`when the locale is ${locale}, then no English label of the page is left untranslated`, () => {
      const text = visibleText(renderReportHtml(aThreePartnerInput(locale)));
      const own = new Set([
        ...labelStrings(labelsFor(locale)),
        ...labelStrings(rplLabelsFor(locale)),
      ]);
      const english = [...labelStrings(labelsFor('en')), ...labelStrings(rplLabelsFor('en'))]
        // Words the locale writes the same (Status, Total, OK, Webex ID) are not a leak.
        .filter((label) => label.length >= 4 && !own.has(label));
      const leaks = english.filter((label) =>
        new RegExp(`(^|\\s)${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(text),
      );
      expect(leaks).to.deep.equal([]);
    });
  }

  it('when the time zone is Asia/Tokyo, then report and index dates are Tokyo time in the locale order', () => {
    const input = aThreePartnerInput('ja'); // started 2025-03-01T02:00:00Z
    const html = renderReportHtml(input);
    expect(html).to.include('2025/03/01 11:00:00 JST');
    expect(html).to.include('2025/03/01 11:03:25 JST');
    const index = renderReportsIndexHtml(
      [
        {
          runId: 'r1',
          job: 'nightly',
          startedAt: '2025-03-01T02:00:00.000Z',
          finishedAt: null,
          status: 'running',
          exitCode: null,
          dryRun: false,
        },
      ],
      'ja',
      'Asia/Tokyo',
    );
    expect(index).to.include('2025/03/01 11:00:00 JST');
  });

  it('when the locale is pt-BR in São Paulo, then dates are day first in local time and numbers use a dot for thousands', () => {
    const input = { ...aThreePartnerInput('pt-BR'), timeZone: 'America/Sao_Paulo' };
    const html = renderReportHtml(input);
    expect(html).to.include('28/02/2025, 23:00:00 BRT');
    expect(html).to.include('<div class="big">1.774</div>');
    expect(html).to.include('Alterações por parceiro, por resultado');
  });

  it('when the configured zone is not known to Intl, then dates are shown in UTC, named so', () => {
    const html = renderReportHtml({ ...aThreePartnerInput('en'), timeZone: 'Mars/Olympus' });
    expect(html).to.include('03/01/2025, 02:00:00 UTC');
  });
});
