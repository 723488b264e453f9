// @ts-check
// Who may import whom (issue 18): ESLint `no-restricted-imports` zones, one config object per
// capability folder and depth, since a pattern sees the import as written ('../store/index.ts').
// test/architecture/boundaries.test.ts plants forbidden imports to prove each zone bites.
import { readdirSync } from 'node:fs';

/** Capabilities: the folders of src/, each imported by the others through its index.ts. */
const CAPABILITIES = readdirSync(new URL('./src/', import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/**
 * What a capability must not import at all (types included), and why. Lower layers first: the
 * pure rules, the store and the Webex client know nothing of the stages that use them.
 * @type {Record<string, { forbid: string[]; why: string; typesFrom?: string[]; files?: string[] }>}
 */
export const LAYERS = {
  rules: {
    forbid: [
      ...['store', 'webex', 'cli', 'log', 'ingest', 'provision', 'results', 'runs', 'rpl'],
      ...['reconcile', 'reports', 'schedule'],
    ],
    why: 'rules are pure: no database, no Webex, no logger, no stage that uses them',
  },
  webex: {
    forbid: ['store', 'provision', 'ingest', 'results', 'rules', 'runs', 'rpl', 'reconcile'],
    why: 'the Webex client and simulator know nothing of the ledger or of who calls them',
  },
  store: {
    forbid: ['ingest', 'provision', 'results', 'runs', 'rpl', 'reconcile', 'reports', 'webex'],
    typesFrom: ['rules'],
    why: 'the store imports nothing above it (rules: types only)',
  },
  sheets: {
    forbid: ['store', 'webex', 'log', 'ingest', 'provision', 'results', 'runs', 'rpl', 'reports'],
    why: "the sheet's vocabulary is pure: it knows nothing of who reads or writes sheets",
  },
  provision: {
    forbid: ['ingest'],
    why: 'provisioning is handed staged rows; it never reaches back into the import',
  },
  results: {
    forbid: ['provision', 'rpl', 'reconcile', 'webex'],
    files: ['ingest/index.ts'],
    why: 'results are written from the ledger and the partner file (read with the workbook reader); no stage is called back',
  },
};

/** Imported by nothing in src/ but itself: the command line sits on top. */
const TOP = ['cli'];

/**
 * @param {string} up the relative prefix from a file to src/ ('../', '../../', '../src/')
 * @param {string | null} own the capability of the importing file
 */
function patternsFor(up, own) {
  const esc = up.replace(/\./g, '\\.');
  /** @type {{ regex: string; message: string; allowTypeImports?: boolean; importNames?: string[] }[]} */
  const patterns = [];
  const layer = own ? LAYERS[own] : undefined;
  const forbid = [...(layer?.forbid ?? []), ...(own && own !== 'cli' ? TOP : [])];
  if (forbid.length > 0)
    patterns.push({
      regex: `^${esc}(${forbid.join('|')})(/|$)`,
      message: `${own} may not import this capability: ${layer?.why ?? 'only the command line uses cli'}.`,
    });
  if (layer?.files)
    patterns.push({
      regex: `^${esc}(${layer.files.map((f) => f.replace(/\./g, '\\.')).join('|')})$`,
      message: `${own} may not import this module: ${layer.why}.`,
    });
  if (layer?.typesFrom)
    patterns.push({
      regex: `^${esc}(${layer.typesFrom.join('|')})(/|$)`,
      allowTypeImports: true,
      message: `${own} may import only types from here: ${layer.why}.`,
    });
  // A partner's words are rendered by results alone, when it writes a results file (issue 18):
  // the stages hand on codes and values, and word the run's report through reportIssue.
  if (own && own !== 'results')
    patterns.push({
      regex: `^${esc}results/index\\.ts$`,
      importNames: ['renderRowMessage', 'describeIssue'],
      message: `${own} may not word a partner's message: results renders it in the results file's language (the run's report: reportIssue).`,
    });
  // Another capability's code only through its index.ts (a nested index.ts, such as the
  // simulator's or the workbook reader's, is the entry of a part); its types freely.
  const other = own ? `(?!${own}/)` : '';
  patterns.push({
    regex: `^${esc}${other}[a-z-]+/(.+/)?(?!index\\.ts$)[^/]+$`,
    allowTypeImports: true,
    message: "another capability's code is imported through its index.ts only.",
  });
  return patterns;
}

/** The query builder called with a table name: SQL, which lives in src/store only. */
const SQL_CALLS = [
  'CallExpression[callee.name=/^(db|trx|tx|knex)$/]',
  'CallExpression[callee.property.name=/^(db|trx|knex)$/]',
  "CallExpression[callee.property.name='raw'][callee.object.name=/^(db|trx|tx|knex)$/]",
].map((selector) => ({
  selector,
  message: 'SQL lives in src/store: add a repository function there and call it.',
}));

/** @type {import('eslint').Linter.Config[]} */
export const boundaries = [
  {
    files: ['src/**/*.ts', 'jobs/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        // the repository-wide rule, repeated: a later setting of a rule replaces its options
        { selector: 'TSEnumDeclaration', message: 'use a string-literal union' },
        ...SQL_CALLS,
      ],
    },
  },
  ...CAPABILITIES.flatMap((own) =>
    [1, 2, 3].map((depth) => ({
      files: [`src/${own}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          { patterns: patternsFor('../'.repeat(depth), own) },
        ],
      },
    })),
  ),
  {
    files: ['jobs/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./src/cli(/|$)',
              message: 'jobs are called by the command line and the scheduler; they import no cli.',
            },
            ...patternsFor('../src/', null),
          ],
        },
      ],
    },
  },
];
