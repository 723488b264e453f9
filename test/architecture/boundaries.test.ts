import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { findCycles, readImportGraph, runtimeImports } from './import-graph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** ESLint with the repository's import zones alone (no type information needed). */
async function zonesLinter(): Promise<ESLint> {
  // A variable specifier: the config is plain JavaScript, without type declarations.
  const zonesFile = new URL('../../eslint.boundaries.js', import.meta.url).href;
  const { boundaries } = (await import(zonesFile)) as { boundaries: Linter.Config[] };
  return new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { '@typescript-eslint': tseslint.plugin as unknown as ESLint.Plugin },
      },
      ...boundaries,
    ],
  });
}

/** The zone (and SQL) messages ESLint gives a planted file holding `code`. */
async function refusals(eslint: ESLint, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const planted = 1;\n`, {
    filePath: `${ROOT}${file}`,
  });
  return (result?.messages ?? [])
    .filter((m) =>
      ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'].includes(m.ruleId ?? ''),
    )
    .map((m) => m.message);
}

describe('architecture: who may import whom (issue 18)', function () {
  let eslint: ESLint;
  before(async () => {
    eslint = await zonesLinter();
  });

  const forbidden: [file: string, code: string, says: string][] = [
    ['src/rules/planted.ts', "import { openDb } from '../store/index.ts';", 'rules are pure'],
    ['src/rules/planted.ts', "import type { WebexPort } from '../webex/index.ts';", 'no Webex'],
    ['src/rules/data/planted.ts', "import { createLogger } from '../../log/index.ts';", 'logger'],
    ['src/rules/planted.ts', "import { main } from '../cli/main.ts';", 'rules may not'],
    ['src/webex/planted.ts', "import { openDb } from '../store/index.ts';", 'ledger'],
    ['src/webex/simulator/planted.ts', "export * from '../../provision/index.ts';", 'ledger'],
    ['src/store/planted.ts', "import { runImport } from '../ingest/index.ts';", 'nothing above'],
    ['src/store/planted.ts', "import { refuses } from '../rules/index.ts';", 'types only'],
    ['jobs/planted.ts', "import { UsageError } from '../src/cli/errors.ts';", 'import no cli'],
    ['src/provision/planted.ts', "import { x } from '../reports/summary.ts';", 'index.ts only'],
    ['src/provision/planted.ts', "import { runImport } from '../ingest/index.ts';", 'reaches back'],
    ['src/results/planted.ts', "import { runImport } from '../ingest/index.ts';", 'called back'],
    ['src/sheets/planted.ts', "import { openDb } from '../store/index.ts';", 'vocabulary is pure'],
    ['src/ingest/planted.ts', "import { renderRowMessage } from '../results/index.ts';", 'word a'],
    ['src/provision/planted.ts', "import { describeIssue } from '../results/index.ts';", 'word a'],
    ['src/runs/planted.ts', "import { a } from '../reports/summary.ts';", 'index.ts only'],
    ['jobs/planted.ts', "import { a } from '../src/reports/summary.ts';", 'index.ts only'],
  ];
  for (const [file, code, says] of forbidden)
    it(`when ${file} holds \`${code}\`, then lint refuses it (${says})`, async () => {
      const messages = await refusals(eslint, file, code);
      expect(messages.join('\n')).to.contain(says);
    });

  const allowed: [file: string, code: string][] = [
    ['src/rules/planted.ts', "import type { Locale } from '../config/index.ts';"],
    ['src/rules/data/planted.ts', "import { foldName } from '../fold.ts';"],
    ['src/store/planted.ts', "import type { RowIssue } from '../rules/index.ts';"],
    ['src/provision/planted.ts', "import type { FileSummary } from '../reports/summary.ts';"],
    ['src/provision/planted.ts', "import { addRows } from '../reports/index.ts';"],
    ['src/cli/planted.ts', "import { startSimulator } from '../webex/simulator/index.ts';"],
    ['src/results/planted.ts', "import { readWorkbook } from '../ingest/xlsx/index.ts';"],
    ['src/ingest/planted.ts', "import { reportIssue } from '../results/index.ts';"],
    ['src/ingest/xlsx/planted.ts', "import { foldHeader } from '../headers.ts';"],
    ['jobs/planted.ts', "import { PACKAGE_ROOT } from '../src/package-root.ts';"],
  ];
  for (const [file, code] of allowed)
    it(`when ${file} holds \`${code}\`, then lint lets it be`, async () => {
      expect(await refusals(eslint, file, code)).to.deep.equal([]);
    });

  const sql = "export const f = (ctx: any) => ctx.db('partners').pluck('id');";
  it('when a module outside src/store queries a table, then lint refuses it (SQL only in the store)', async () => {
    expect((await refusals(eslint, 'src/provision/planted.ts', sql)).join('\n')).to.contain(
      'SQL lives in src/store',
    );
    expect(
      await refusals(
        eslint,
        'src/reconcile/planted.ts',
        "export const f = (db: any) => db.raw('x');",
      ),
    ).to.have.length(1);
    expect(await refusals(eslint, 'src/store/planted.ts', sql)).to.deep.equal([]);
  });

  it('when src/ and jobs/ are read, then no module loads itself again through its imports', () => {
    const cycles = findCycles(readImportGraph(ROOT, ['src', 'jobs']));
    expect(cycles.map((c) => c.join(' → '))).to.deep.equal([]);
  });

  it('when two modules import each other at run time, then the cycle is found', () => {
    const graph = new Map([
      ['src/a/x.ts', runtimeImports('src/a/x.ts', "import { y } from '../b/y.ts';")],
      ['src/b/y.ts', runtimeImports('src/b/y.ts', "export { x } from '../a/x.ts';")],
      ['src/b/z.ts', runtimeImports('src/b/z.ts', "import type { X } from '../a/x.ts';")],
    ]);
    expect(findCycles(graph)).to.deep.equal([['src/a/x.ts', 'src/b/y.ts']]);
  });

  it('when a module imports another only as `import type`, then that is no runtime edge', () => {
    expect(runtimeImports('src/a/x.ts', "import type { Y } from '../b/y.ts';")).to.deep.equal([]);
    expect(runtimeImports('src/a/x.ts', "import { type Y } from '../b/y.ts';")).to.deep.equal([
      'src/b/y.ts',
    ]);
  });
});
