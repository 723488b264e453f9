import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { REPO_ROOT, tempHome } from '../support/cli.ts';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The README's lines outside fenced and indented code blocks. */
function proseLines(text: string): { n: number; line: string }[] {
  let fenced = false;
  const out: { n: number; line: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && !line.startsWith('    ')) out.push({ n: i + 1, line });
  });
  return out;
}

describe('docs: the README a newcomer reads (issue 19, item 5)', () => {
  it('when read in a 100-column terminal, then no line outside code blocks is wider', () => {
    const wide = proseLines(README).filter((l) => [...l.line].length > 100);
    expect(wide.map((l) => `line ${l.n}: ${[...l.line].length} columns`)).to.deep.equal([]);
  });

  it('when the README links to docs/, then each linked file exists', () => {
    const links = [...README.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1] as string);
    expect(links).to.include.members([
      'docs/operations.md',
      'docs/partners.md',
      'docs/architecture.md',
    ]);
    for (const link of links) expect(existsSync(path.join(REPO_ROOT, link)), link).to.equal(true);
  });

  it('when the program lists its commands, then the README table names each of them', async () => {
    let help = '';
    await main(['--help'], {
      stdout: { write: (t: string) => (help += t) },
      stderr: { write: () => true },
      env: {},
      cwd: tempHome(),
    });
    const commands = help
      .split('\n')
      .map((l) => /^ {2}([a-z][a-z-]+)\b/.exec(l)?.[1])
      .filter((c): c is string => c !== undefined && c !== 'help');
    expect(commands).to.include('nightly');
    for (const c of commands) expect(README, c).to.match(new RegExp(`^\\| \`${c}\\b`, 'm'));
  });
});
