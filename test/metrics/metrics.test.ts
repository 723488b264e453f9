import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderPrometheus, type JobMetrics } from '../../src/metrics/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

interface Family {
  type: string | null;
  help: string | null;
  samples: { labels: Record<string, string>; value: number }[];
}

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (prometheus.io, "Exposition
 * formats"): it throws, naming the line, on anything the format does not allow.
 */
function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: string | null = null;
  const closed = new Set<string>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: null, help: null, samples: [] }));
    return f;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const at = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line.trim() === '') return;
    const meta = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta as unknown as [string, string, string, string?];
      const f = family(name);
      if (kind === 'TYPE') {
        if (f.type !== null) throw new Error(`${at}: second TYPE for ${name}`);
        if (f.samples.length > 0) throw new Error(`${at}: TYPE after samples of ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
          throw new Error(`${at}: unknown type ${rest}`);
        f.type = rest;
      } else {
        if (f.help !== null) throw new Error(`${at}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, '')))
          throw new Error(`${at}: bad escape in HELP`);
        f.help = rest;
      }
      return;
    }
    if (line.startsWith('#')) return; // a comment
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${at}: not a sample line`);
    const [, name, rawLabels = '', rawValue] = m as unknown as [string, string, string, string];
    const labels = parseLabels(rawLabels, at);
    if (
      !/^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|NaN|[+-]Inf)$/.test(rawValue)
    )
      throw new Error(`${at}: ${rawValue} is not a float`);
    if (closed.has(name)) throw new Error(`${at}: samples of ${name} are not together`);
    if (current !== null && current !== name) closed.add(current);
    current = name;
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`${at}: the same series twice`);
    series.add(key);
    family(name).samples.push({
      labels,
      value: rawValue.endsWith('Inf')
        ? rawValue[0] === '-'
          ? -Infinity
          : Infinity
        : Number(rawValue),
    });
  });
  return families;
}

function parseLabels(raw: string, at: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (raw === '') return labels;
  let s = raw.slice(1, -1);
  while (s.length > 0) {
    const name = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(s);
    if (!name) throw new Error(`${at}: bad label near ${s}`);
    s = s.slice(name[0].length);
    let value = '';
    for (;;) {
      const c = s[0];
      if (c === undefined) throw new Error(`${at}: unterminated label value`);
      s = s.slice(1);
      if (c === '"') break;
      if (c === '\\') {
        const e = s[0];
        s = s.slice(1);
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`${at}: bad escape \\${e}`);
      } else if (c === '\n') throw new Error(`${at}: raw line feed in a label`);
      else value += c;
    }
    if ((name[1] as string) in labels) throw new Error(`${at}: label ${name[1]} twice`);
    labels[name[1] as string] = value;
    if (s.startsWith(',')) s = s.slice(1);
    else if (s.length > 0) throw new Error(`${at}: expected , between labels`);
  }
  return labels;
}

function value(
  f: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  return f.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))
    ?.value;
}

describe('metrics: the Prometheus text file', function () {
  this.timeout(60_000);

  it('when label values hold quotes, backslashes and line feeds, then the text still parses and reads back the same', () => {
    const job: JobMetrics = {
      job: 'odd "job"\\\nname',
      runId: 'r',
      status: 'ok',
      exitCode: 0,
      finishedAt: '2026-12-06T02:10:00.000Z',
      durationSeconds: 600.5,
      rows: { total: 3, accepted: 2, rejected: 1 },
      refusals: { COUNTRY: 1 },
      changes: {
        customer: { created: 1, updated: 0, unchanged: 0, deleted: 0, failed: 0, pending: 0 },
        subscriber: { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, pending: 0 },
      },
      attention: {},
      lastSuccessAt: '2026-12-06T02:10:00.000Z',
    };
    const f = parseExposition(renderPrometheus([job], new Date('2026-12-06T02:10:01Z')));
    expect(value(f, 'rtm_batch_last_run_duration_seconds', { job: job.job })).to.equal(600.5);
    expect(value(f, 'rtm_batch_last_run_refusals', { job: job.job, code: 'COUNTRY' })).to.equal(1);
    expect(value(f, 'rtm_batch_metrics_written_timestamp_seconds', {})).to.equal(
      Date.parse('2026-12-06T02:10:01Z') / 1000,
    );
    expect([...f.values()].every((fam) => fam.type === 'gauge' && fam.help)).to.equal(true);
  });

  it('when runs end, then var/metrics/rtm-batch.prom says rows, refusals, changes, attention, duration and last success per job, as status --json does', async () => {
    const home = tempHome('rtm-metrics-');
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    // A settled file with no header we know (refused, FILE_HEADER) and one still being written.
    writeFileSync(path.join(inbox, 'broken.csv'), 'foo,bar\n1,2\n');
    const settled = new Date(Date.now() - 60_000);
    utimesSync(path.join(inbox, 'broken.csv'), settled, settled);
    writeFileSync(path.join(inbox, 'fresh.csv'), 'External ID\n');
    const imported = await runCli(['import', '--json'], { home });
    expect(imported.code, imported.stderr).to.equal(1);
    const recheck = await runCli(['rpl-recheck'], { home });
    expect(recheck.code, recheck.stderr).to.equal(0);

    const dir = path.join(home, 'var', 'metrics');
    expect(readdirSync(dir)).to.deep.equal(['rtm-batch.prom']); // no temporary file left
    const f = parseExposition(readFileSync(path.join(dir, 'rtm-batch.prom'), 'utf8'));
    const importJob = { job: 'import' };
    expect(value(f, 'rtm_batch_last_run_status', { ...importJob, status: 'attention' })).to.equal(
      1,
    );
    expect(value(f, 'rtm_batch_last_run_status', { ...importJob, status: 'ok' })).to.equal(0);
    expect(value(f, 'rtm_batch_last_run_exit_code', importJob)).to.equal(1);
    expect(value(f, 'rtm_batch_last_run_refusals', { ...importJob, code: 'FILE_HEADER' })).to.equal(
      1,
    );
    expect(
      value(f, 'rtm_batch_last_run_attention', { ...importJob, kind: 'files_waiting' }),
    ).to.equal(1);
    expect(value(f, 'rtm_batch_last_run_rows', { ...importJob, outcome: 'total' })).to.equal(0);
    expect(
      value(f, 'rtm_batch_last_run_changes', {
        job: 'rpl-recheck',
        entity: 'customer',
        outcome: 'created',
      }),
    ).to.equal(0);
    expect(value(f, 'rtm_batch_last_run_status', { job: 'rpl-recheck', status: 'ok' })).to.equal(1);
    for (const job of ['import', 'rpl-recheck']) {
      const success = value(f, 'rtm_batch_last_success_timestamp_seconds', { job }) as number;
      expect(Date.now() / 1000 - success).to.be.within(0, 60);
      expect(value(f, 'rtm_batch_last_run_duration_seconds', { job })).to.be.within(0, 60);
    }

    const status = await runCli(['status', '--json'], { home });
    const metrics = (JSON.parse(status.stdout) as { metrics: JobMetrics[] }).metrics;
    const imp = metrics.find((m) => m.job === 'import') as JobMetrics;
    expect(imp).to.deep.include({ status: 'attention', exitCode: 1 });
    expect(imp.refusals).to.deep.equal({ FILE_HEADER: 1 });
    expect(imp.attention).to.deep.equal({ files_waiting: 1 });
    expect(Date.parse(imp.lastSuccessAt as string) / 1000).to.equal(
      value(f, 'rtm_batch_last_success_timestamp_seconds', importJob),
    );
    expect(imp.durationSeconds).to.equal(
      value(f, 'rtm_batch_last_run_duration_seconds', importJob),
    );
  });
});
