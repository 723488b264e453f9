import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { SUMMARY_SCHEMA_PATH, validateSummary, emptyPlanSummary } from '../../src/reports/index.ts';
import { aFile, aSummary } from './builders.ts';

describe('validateSummary', () => {
  it('when the summary is complete, then it returns no errors', () => {
    expect(validateSummary(aSummary())).to.deep.equal([]);
  });

  it('when the summary carries our added fields (plan, error, notes), then it is still valid', () => {
    const summary = aSummary({
      dryRun: true,
      plan: { ...emptyPlanSummary(), create: 1, update: 2, delete: 0, unchanged: 3 },
      error: 'database unreachable',
      reconcile: {
        inSync: 1,
        drifted: 0,
        missingInWebex: 0,
        orphansInWebex: 0,
        parked: 0,
        partnerOwnOrg: 0,
      },
    });
    expect(validateSummary(summary)).to.deep.equal([]);
  });

  it('when a required field is missing, then an error names that field', () => {
    const { rows: _rows, ...withoutRows } = aSummary();
    const errors = validateSummary(withoutRows);
    expect(errors).to.deep.equal(['summary.rows: is required but missing']);
  });

  it('when nested values are wrong, then each error gives the path and the value', () => {
    const summary = aSummary({
      job: 'backup' as never,
      files: [aFile({ sha256: 'ABC' })],
      subscribers: { created: -1, updated: 0, unchanged: 0, deleted: 0, failed: 0, pending: 0 },
    });
    const errors = validateSummary(summary);
    expect(errors).to.have.length(3);
    expect(errors).to.include(
      'summary.job: "backup" is not one of "import", "provision", "rpl-recheck", "reconcile", "nightly", "deprovision"',
    );
    expect(errors).to.include('summary.files[0].sha256: "ABC" must match pattern "^[0-9a-f]{64}$"');
    expect(errors).to.include('summary.subscribers.created: -1 must be >= 0');
  });

  it('when a timestamp is not ISO 8601, then the date-time format rejects it', () => {
    const errors = validateSummary(aSummary({ finishedAt: '01/03/2025 02:03' }));
    expect(errors).to.deep.equal([
      'summary.finishedAt: "01/03/2025 02:03" must match format "date-time"',
    ]);
  });

  it('when the value is not an object at all, then it says so', () => {
    expect(validateSummary(null)).to.deep.equal(['summary: null must be of type object']);
  });
});

describe('the summary schema shipped with the package', () => {
  it('when the package is copied without the shared folder beside it, then a summary is still checked', function () {
    this.timeout(60_000);
    // A clone of the project alone: its own files, no ../shared.
    const root = mkdtempSync(path.join(os.tmpdir(), 'rtm-alone-'));
    const pkg = path.join(root, 'rtm-batch');
    try {
      for (const part of ['src', 'spec', 'package.json', 'tsconfig.json'])
        cpSync(path.join(PACKAGE_ROOT, part), path.join(pkg, part), { recursive: true });
      symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
      const script = path.join(pkg, 'check.ts');
      writeFileSync(
        script,
        `import { validateSummary } from './src/reports/index.ts';\n` +
          `console.log(JSON.stringify(validateSummary(${JSON.stringify(aSummary())})));\n` +
          `console.log(JSON.stringify(validateSummary({ status: 'nope' }).length > 0));\n`,
      );
      const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
        cwd: pkg,
        encoding: 'utf8',
      });
      expect(out.trim().split('\n')).to.deep.equal(['[]', 'true']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when the shared spec folder is beside the repository, then its schema and ours are the same bytes', () => {
    const shared = path.join(PACKAGE_ROOT, '../shared/spec/summary.schema.json');
    // A clone on its own has no shared folder: there is nothing to drift from.
    if (!existsSync(shared)) return;
    expect(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')).to.equal(readFileSync(shared, 'utf8'));
  });
});
