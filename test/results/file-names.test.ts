import { expect } from 'chai';
import { fitFileName, NAME_MAX_BYTES, TEMP_SUFFIX_BYTES } from '../../src/results/index.ts';
import { resultsFileName } from '../../src/results/index.ts';

const bytes = (s: string) => Buffer.byteLength(s);

describe('file names the program derives from a partner file name (issue 16, case 9)', () => {
  it('when the name fits, then it is kept as it is', () => {
    expect(fitFileName('customers', '.csv.results.csv')).to.equal('customers.csv.results.csv');
  });

  it('when 80 kanji get .results.csv, then the name is cut by bytes between characters, marked with a hash, and keeps its tail', () => {
    const name = fitFileName('顧'.repeat(80), '.csv.results.csv', 200);
    expect(bytes(name)).to.be.at.most(200);
    expect(name).to.match(/^顧+~[0-9a-f]{8}\.csv\.results\.csv$/);
    expect(name).to.not.contain('\uFFFD');
  });

  it('when two long names share their beginning, then they still get different names', () => {
    const a = fitFileName(`${'顧'.repeat(79)}A`, '.csv');
    const b = fitFileName(`${'顧'.repeat(79)}B`, '.csv', 100);
    const c = fitFileName(`${'顧'.repeat(79)}C`, '.csv', 100);
    expect(a).to.equal(`${'顧'.repeat(79)}A.csv`);
    expect(b).to.not.equal(c);
    expect(b.slice(0, 20)).to.equal(c.slice(0, 20));
  });

  it('when a letter carries a combining accent at the cut, then the accent is never left without its letter', () => {
    const stem = 'e\u0301'.repeat(200); // é as e + U+0301, 3 bytes each
    const name = fitFileName(stem, '.csv', 100);
    expect(bytes(name)).to.be.at.most(100);
    const kept = name.slice(0, name.indexOf('~'));
    expect(kept).to.equal('e\u0301'.repeat(kept.length / 2));
  });

  it('when a results file name is made for a 244-byte name, then it and its temporary name fit the file system', () => {
    const results = resultsFileName(`${'顧'.repeat(80)}.csv`, 'archive/a/r-0001.csv', 'csv');
    expect(bytes(results)).to.be.at.most(NAME_MAX_BYTES - TEMP_SUFFIX_BYTES);
    expect(bytes(`${results}.4194304.tmp`)).to.be.at.most(NAME_MAX_BYTES);
    expect(results).to.match(/\.csv\.results\.csv$/);
  });
});
