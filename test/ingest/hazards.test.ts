// Issue #4, "Bad input": every ingest hazard partners really send, through the real command. One
// workspace, one partner folder per hazard, each with the hazard and one good file; one `import`
// run reads them all. Each case checks the hazard's code, its quarantine reason, and that the good
// file of the same folder was still processed with every row counted.
//
// Covered elsewhere and not repeated here: upload-in-progress and lock names, sub-folders, a file
// still being written, hard links, and the same bytes in a later run (test/ingest/pickup.test.ts);
// the same bytes twice in one run is in hazards-pending.test.ts.txt (it fails the run today);
// too many rows, XXE, billion laughs and other hostile zips (test/ingest/xlsx.test.ts, unit level).
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../src/config/index.ts';
import { validateSummary, type FileSummary, type Summary } from '../../src/reports/index.ts';
import { readWorkbook } from '../../src/ingest/xlsx/index.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
const GOOD = 'good.csv';
const GOOD_TEXT =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\r\n' +
  `hz-good-1,Good One,a@good.example,1 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n` +
  `hz-good-2,Good Two,b@good.example,2 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n`;
const OLD = new Date(Date.now() - 3600_000);

interface Issue {
  partner: string;
  file: string;
  sheet: string;
  row: string;
  column: string;
  value: string;
  code: string;
  message: string;
}

interface Run {
  home: string;
  summary: Summary;
  issues: Issue[];
}

interface Case {
  /** Partner folder (one per case). */
  partner: string;
  hazard: string;
  locale?: Locale;
  encoding?: string;
  /** Fixture files (under fixtures/) dropped as they are, with the name to drop them under. */
  files: [fixture: string, name: string][];
  /** Anything else to put in the folder. */
  setup?: (dir: string, home: string) => void;
  check: (c: CaseView) => void | Promise<void>;
}

/** What one case sees of the run: its partner's files, issues and quarantine. */
class CaseView {
  constructor(
    readonly run: Run,
    readonly partner: string,
  ) {}

  get files(): FileSummary[] {
    return this.run.summary.files.filter((f) => f.partner === this.partner);
  }

  file(name: string): FileSummary {
    const found = this.files.find((f) => f.name === name);
    if (!found)
      throw new Error(`no file ${name} for ${this.partner}: ${JSON.stringify(this.files)}`);
    return found;
  }

  issues(file: string): Issue[] {
    return this.run.issues.filter((i) => i.partner === this.partner && i.file === file);
  }

  /** The one quarantined file's code, message and reason.txt. */
  quarantined(name: string, code: string, message: RegExp): string {
    const f = this.file(name);
    expect([f.status, f.code], f.message ?? '').to.deep.equal(['quarantined', code]);
    expect(f.message).to.match(message);
    expect(f.rows).to.deep.equal({ total: 0, accepted: 0, rejected: 0 });
    const dir = path.join(this.run.home, 'quarantine', this.partner);
    const reasons = readdirSync(dir).filter((n) => n.endsWith('.reason.txt'));
    expect(reasons).to.have.length(1);
    const reason = readFileSync(path.join(dir, reasons[0] as string), 'utf8');
    expect(reason.split('\n')[0]).to.equal(`${code}: ${f.message}`);
    expect(reason).to.contain(`file: ${JSON.stringify(name)}`);
    return reason;
  }

  processed(name: string, rows: { total: number; accepted: number; rejected: number }) {
    const f = this.file(name);
    expect([f.status, f.code], f.message ?? '').to.deep.equal(['processed', null]);
    expect(f.rows).to.deep.equal(rows);
    return f;
  }

  /** Row issues of a file as `row column code`. */
  rowCodes(file: string): string[] {
    return this.issues(file).map((i) => `${i.row} ${i.column} ${i.code}`);
  }
}

const f = (name: string) => path.join('hazards', name);

const CASES: Case[] = [
  {
    partner: 'sjis',
    hazard: 'Shift_JIS (cp932) CSV with Japanese headers and an NEC extension character',
    locale: 'ja',
    files: [[f('cp932-ja.csv'), '顧客.csv']],
    check: (c) => {
      const file = c.processed('顧客.csv', { total: 2, accepted: 2, rejected: 0 });
      expect(file.encoding).to.equal('cp932');
    },
  },
  {
    partner: 'latin',
    hazard: 'Windows-1252 with ; and pt-BR headers ("São Paulo")',
    locale: 'pt-BR',
    files: [[f('win1252-semicolon-ptbr.csv'), 'clientes.csv']],
    check: (c) => {
      const file = c.processed('clientes.csv', { total: 2, accepted: 2, rejected: 0 });
      expect(file.encoding).to.equal('windows-1252');
      // The results file comes back in the same encoding and delimiter, the accents intact.
      const back = iconv.decode(
        readFileSync(path.join(c.run.home, 'outbox', 'latin', 'clientes.csv.results.csv')),
        'win1252',
      );
      expect(back.split('\r\n')[1]).to.match(/^br-001;Padaria São João;.*;São Paulo;.*;aceito;/);
    },
  },
  {
    partner: 'utf16le',
    hazard: 'UTF-16LE with BOM, tab-separated (Excel "Unicode text")',
    files: [[f('utf16le-unicode-text.txt'), 'export.txt']],
    check: (c) => {
      expect(c.processed('export.txt', { total: 2, accepted: 2, rejected: 0 }).encoding).to.equal(
        'utf-16le',
      );
    },
  },
  {
    partner: 'utf16be',
    hazard: 'UTF-16BE with BOM',
    files: [[f('utf16be.csv'), 'be.csv']],
    check: (c) => {
      expect(c.processed('be.csv', { total: 2, accepted: 2, rejected: 0 }).encoding).to.equal(
        'utf-16be',
      );
    },
  },
  {
    partner: 'sepline',
    hazard: 'a first line sep=;',
    files: [[f('sep-line.csv'), 'sep.csv']],
    check: (c) => {
      c.processed('sep.csv', { total: 2, accepted: 2, rejected: 0 });
    },
  },
  {
    partner: 'cronly',
    hazard: 'CR-only line endings',
    files: [[f('cr-only.csv'), 'mac.csv']],
    check: (c) => {
      c.processed('mac.csv', { total: 2, accepted: 2, rejected: 0 });
    },
  },
  {
    partner: 'fffd',
    hazard: 'UTF-8 holding U+FFFD (a lossy conversion upstream)',
    files: [[f('replacement-char.csv'), 'lossy.csv']],
    check: (c) => {
      c.quarantined('lossy.csv', 'FILE_ENCODING', /tried utf-8/);
    },
  },
  {
    partner: 'cone',
    hazard: 'UTF-8 holding C1 controls (windows-1252 quotes read as Latin-1)',
    files: [[f('c1-controls.csv'), 'c1.csv']],
    check: (c) => {
      c.quarantined('c1.csv', 'FILE_ENCODING', /tried utf-8/);
    },
  },
  {
    partner: 'mojibake',
    hazard: 'UTF-8 converted twice ("SÃ£o")',
    files: [[f('double-encoded.csv'), 'twice.csv']],
    check: (c) => {
      c.quarantined('twice.csv', 'FILE_ENCODING', /converted to UTF-8 twice.*\(tried utf-8\)/);
    },
  },
  {
    partner: 'notsjis',
    hazard: 'bytes that are neither UTF-8 nor the partner locale encoding (cp932)',
    locale: 'ja',
    files: [[f('not-cp932.csv'), 'odd.csv']],
    check: (c) => {
      c.quarantined('odd.csv', 'FILE_ENCODING', /tried utf-8, cp932/);
    },
  },
  {
    partner: 'garbage',
    hazard: 'binary garbage named .csv',
    files: [[f('binary-garbage.csv'), 'data.csv']],
    check: (c) => {
      c.quarantined('data.csv', 'FILE_FORMAT', /binary file, not a CSV/);
    },
  },
  {
    partner: 'ole',
    hazard: 'OLE/CFB container: an encrypted workbook, and a legacy .xls named .csv',
    files: [
      ['xlsx/encrypted.xlsx', 'locked.xlsx'],
      [f('ole-named.csv'), 'old.csv'],
    ],
    check: (c) => {
      const sentence =
        'password-protected workbook or legacy .xls: save as .xlsx without a password';
      for (const name of ['locked.xlsx', 'old.csv']) {
        const file = c.file(name);
        expect([file.status, file.code, file.message]).to.deep.equal([
          'quarantined',
          'FILE_FORMAT',
          sentence,
        ]);
      }
    },
  },
  {
    partner: 'csvxlsx',
    hazard: 'a CSV named .xlsx',
    files: [['xlsx/text-named.xlsx', 'book.xlsx']],
    check: (c) => {
      c.quarantined('book.xlsx', 'FILE_FORMAT', /named \.xlsx but is not a workbook/);
    },
  },
  {
    partner: 'unclosed',
    hazard: 'an unclosed quote',
    files: [[f('unclosed-quote.csv'), 'cut.csv']],
    check: (c) => {
      c.quarantined('cut.csv', 'FILE_MALFORMED', /^line 3: a quoted field is never closed/);
      expect(c.issues('cut.csv').map((i) => i.row)).to.deep.equal(['']); // no row half-read
    },
  },
  {
    partner: 'bigcell',
    hazard: 'a quoted cell of 1 MB, over the limit a record may hold (issue 16, case 14)',
    files: [],
    setup: (dir) => {
      const cell = 'x'.repeat(1024 * 1024 + 10);
      const text = `${GOOD_TEXT.split('\r\n')[0]}\r\nhz-big,"${cell}",a@big.example,1 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n`;
      writeFileSync(path.join(dir, 'big.csv'), text);
      utimesSync(path.join(dir, 'big.csv'), OLD, OLD);
    },
    check: (c) => {
      c.quarantined(
        'big.csv',
        'FILE_LIMIT',
        /^row 2, column Customer name: the row is longer than the 1,048,576 bytes \(1 MB\) a row may hold/,
      );
    },
  },
  {
    partner: 'openquote',
    hazard: 'a quote never closed, with more than 1 MB of the file after it (issue 16, case 14)',
    files: [],
    setup: (dir) => {
      const [header, good] = GOOD_TEXT.split('\r\n');
      let text = `${header}\r\n${good}\r\n"hz-open,broken\r\n`;
      for (let i = 0; i < 20_000; i++)
        text += `hz-${i},Name ${i},n${i}@open.example,${i} Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n`;
      writeFileSync(path.join(dir, 'open.csv'), text);
      utimesSync(path.join(dir, 'open.csv'), OLD, OLD);
    },
    check: (c) => {
      c.quarantined('open.csv', 'FILE_MALFORMED', /^line 3: a quoted field is never closed/);
    },
  },
  {
    partner: 'ragged',
    hazard: 'a row with more fields than the header',
    files: [[f('ragged-row.csv'), 'ragged.csv']],
    check: (c) => {
      c.quarantined(
        'ragged.csv',
        'FILE_MALFORMED',
        /^line 3 has 12 fields where the header has 11/,
      );
      expect(c.issues('ragged.csv').map((i) => i.row)).to.deep.equal(['']);
    },
  },
  {
    partner: 'missingcol',
    hazard: 'a required column missing',
    files: [[f('missing-column.csv'), 'users.csv']],
    check: (c) => {
      c.quarantined('users.csv', 'FILE_HEADER', /required column missing: email/);
    },
  },
  {
    partner: 'dupcol',
    hazard: 'a column given twice',
    files: [[f('duplicated-column.csv'), 'twice.csv']],
    check: (c) => {
      c.quarantined('twice.csv', 'FILE_HEADER', /column given twice: external_id/);
    },
  },
  {
    partner: 'titles',
    hazard: 'the header under two title rows',
    files: [[f('title-rows.csv'), 'titled.csv']],
    check: (c) => {
      c.processed('titled.csv', { total: 2, accepted: 2, rejected: 0 });
    },
  },
  {
    partner: 'headeronly',
    hazard: 'a header and no data rows',
    files: [[f('header-only.csv'), 'empty.csv']],
    check: (c) => {
      c.quarantined('empty.csv', 'FILE_EMPTY', /header but no data rows/);
    },
  },
  {
    partner: 'links',
    hazard: 'a symlink and a FIFO in the inbox',
    files: [],
    setup: (dir, home) => {
      writeFileSync(path.join(home, 'secret.csv'), GOOD_TEXT.replace(/hz-good/g, 'secret'));
      symlinkSync(path.join(home, 'secret.csv'), path.join(dir, 'link.csv'));
      execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
    },
    check: (c) => {
      for (const name of ['link.csv', 'pipe.csv'])
        expect([c.file(name).status, c.file(name).code]).to.deep.equal([
          'quarantined',
          'FILE_NOT_REGULAR',
        ]);
      // The link's target was neither read nor moved.
      const secret = path.join(c.run.home, 'secret.csv');
      expect(readFileSync(secret, 'utf8')).to.equal(GOOD_TEXT.replace(/hz-good/g, 'secret'));
      expect(c.run.issues.some((i) => i.value.startsWith('secret'))).to.equal(false);
    },
  },
  {
    partner: 'damaged',
    hazard: 'phones Excel damaged: 8.1E+11, a lost leading +, 16 digits; a ZIP without its 0',
    files: [
      [f('damaged-values.csv'), 'users.csv'],
      [f('postal-lost-zero.csv'), 'zip.csv'],
      [f('phone-as-number.xlsx'), 'phones.xlsx'],
    ],
    check: (c) => {
      c.processed('users.csv', { total: 3, accepted: 0, rejected: 3 });
      expect(c.rowCodes('users.csv')).to.include.members([
        '2 Phone number VALUE_DAMAGED',
        '3 Phone number VALUE_DAMAGED',
        '4 Phone number VALUE_DAMAGED',
      ]);
      c.processed('zip.csv', { total: 1, accepted: 0, rejected: 1 });
      expect(c.rowCodes('zip.csv')).to.deep.equal(['2 Postal code VALUE_DAMAGED']);
      c.processed('phones.xlsx', { total: 1, accepted: 0, rejected: 1 });
      expect(c.rowCodes('phones.xlsx')).to.include('2 Phone number VALUE_DAMAGED');
    },
  },
  {
    partner: 'fullwidth',
    hazard: 'full-width digits and letters (NFKC)',
    locale: 'ja',
    files: [[f('full-width.csv'), 'zenkaku.csv']],
    check: (c) => {
      c.processed('zenkaku.csv', { total: 1, accepted: 1, rejected: 0 });
    },
  },
  {
    partner: 'zipbomb',
    hazard: 'a workbook zip bomb',
    files: [['xlsx/zip-bomb.xlsx', 'bomb.xlsx']],
    check: (c) => {
      c.quarantined('bomb.xlsx', 'FILE_LIMIT', /./);
    },
  },
  {
    partner: 'toowide',
    hazard: 'a workbook value beyond the last column we read',
    files: [[f('too-wide.xlsx'), 'wide.xlsx']],
    check: (c) => {
      c.quarantined('wide.xlsx', 'FILE_LIMIT', /cell KN3 has a value beyond column IV/);
    },
  },
  {
    partner: 'longcell',
    hazard: 'a workbook cell longer than a cell may be',
    files: [[f('long-cell.xlsx'), 'long.xlsx']],
    check: (c) => {
      c.quarantined('long.xlsx', 'FILE_LIMIT', /cell B2 holds 40,000 characters/);
    },
  },
  {
    partner: 'merged',
    hazard: 'merged cells in the data area',
    files: [['xlsx/merged-cells.xlsx', 'merged.xlsx']],
    check: (c) => {
      c.processed('merged.xlsx', { total: 3, accepted: 0, rejected: 3 });
      const merged = c.rowCodes('merged.xlsx').filter((r) => r.endsWith('MERGED_CELLS'));
      expect(merged).to.deep.equal([
        '3 Customer name MERGED_CELLS',
        '4 Customer name MERGED_CELLS',
      ]);
    },
  },
  {
    partner: 'formula',
    hazard: 'a formula without a cached value',
    files: [['xlsx/formulas.xlsx', 'formulas.xlsx']],
    check: (c) => {
      c.processed('formulas.xlsx', { total: 2, accepted: 0, rejected: 2 });
      expect(c.rowCodes('formulas.xlsx')).to.include('3 Email FORMULA_WITHOUT_VALUE');
      expect(c.rowCodes('formulas.xlsx')).to.not.include('2 Email FORMULA_WITHOUT_VALUE');
    },
  },
  {
    partner: 'furigana',
    hazard: 'a Japanese workbook whose shared strings keep their readings (furigana)',
    locale: 'ja',
    files: [['xlsx/phonetic.xlsx', '顧客.xlsx']],
    check: async (c) => {
      expect(c.file('顧客.xlsx').status).to.equal('processed');
      // The results workbook carries the partner's cells as read: the text, not its reading.
      const back = await readWorkbook(
        path.join(c.run.home, 'outbox', 'furigana', '顧客.xlsx.results.xlsx'),
      );
      if (!back.ok) throw new Error(back.message);
      expect(back.sheets[0]?.rows[0]?.cells.slice(0, 5)).to.deep.equal([
        ...['j-1', '山田商店', 'info@yamada.example', '丸の内1-1', '千代田区'],
      ]);
    },
  },
  {
    partner: 'hidden',
    hazard: 'a hidden sheet',
    files: [['xlsx/hidden-sheet.xlsx', 'hidden.xlsx']],
    check: (c) => {
      c.processed('hidden.xlsx', { total: 1, accepted: 0, rejected: 1 });
      expect(c.issues('hidden.xlsx').map((i) => i.sheet)).to.not.include('Old subscribers');
      expect(c.run.summary.notes).to.include(
        "hidden/hidden.xlsx: sheet 'Old subscribers' is hidden and was not read",
      );
    },
  },
];

describe('ingest hazards of issue #4, through the command', function () {
  this.timeout(180_000);
  let run: Run;

  before(async () => {
    const home = tempHome('rtm-hazards-');
    const partners: Record<string, { locale?: Locale; encoding?: string }> = {};
    for (const c of CASES) {
      partners[c.partner] = { ...(c.locale ? { locale: c.locale } : {}) };
      const dir = path.join(home, 'inbox', c.partner);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, GOOD), GOOD_TEXT);
      utimesSync(path.join(dir, GOOD), OLD, OLD);
      for (const [fixture, name] of c.files) {
        copyFileSync(path.join(REPO_ROOT, 'fixtures', fixture), path.join(dir, name));
        utimesSync(path.join(dir, name), OLD, OLD);
      }
      c.setup?.(dir, home);
    }
    writeConfig(home, { inbox: { stableSeconds: 10 }, partners });
    const res = await runCli(['import', '--json'], { home });
    expect(res.code, res.stderr).to.equal(1);
    const summary = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(summary)).to.deep.equal([]);
    const records = parse(readFileSync(path.join(summary.reportDir, 'issues.csv')), {
      bom: true,
      from_line: 2,
    }) as string[][];
    const issues = records.map(
      ([
        partner = '',
        file = '',
        sheet = '',
        row = '',
        column = '',
        value = '',
        code = '',
        message = '',
      ]) => ({
        partner,
        file,
        sheet,
        row,
        column,
        value,
        code,
        message,
      }),
    );
    run = { home, summary, issues };
  });

  for (const c of CASES) {
    it(`${c.hazard}: the hazard gets its outcome, and the good file beside it is processed in full`, async () => {
      const view = new CaseView(run, c.partner);
      await c.check(view);
      view.processed(GOOD, { total: 2, accepted: 2, rejected: 0 });
    });
  }

  it('counts every row of every processed file once: total = accepted + rejected', () => {
    const processed = run.summary.files.filter((file) => file.status === 'processed');
    for (const file of processed)
      expect(file.rows.total, file.name).to.equal(file.rows.accepted + file.rows.rejected);
    const sum = (k: 'total' | 'accepted' | 'rejected') =>
      processed.reduce((n, file) => n + file.rows[k], 0);
    expect(run.summary.rows).to.deep.equal({
      total: sum('total'),
      accepted: sum('accepted'),
      rejected: sum('rejected'),
    });
  });
});
