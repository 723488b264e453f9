import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { planNotification, shouldNotify } from '../../src/notify/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback answering the given statuses in turn (then the last one). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] as number;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A workspace whose next import quarantines a file: the run ends partial (exit 1). */
function partialWorkspace(notify: unknown): string {
  const home = tempHome('rtm-notify-');
  writeConfig(home, { notify: { backoffMs: 50, ...(notify as object) } });
  mkdirSync(path.join(home, 'inbox', 'acme'), { recursive: true });
  const file = path.join(home, 'inbox', 'acme', 'broken.csv');
  writeFileSync(file, 'foo,bar\n1,2\n');
  // Written a minute ago: settled, so this run reads (and quarantines) it.
  const settled = new Date(Date.now() - 60_000);
  utimesSync(file, settled, settled);
  return home;
}

function readLogs(home: string): string {
  const dir = path.join(home, 'var', 'logs');
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

function reportText(summary: Summary): string {
  return readdirSync(summary.reportDir)
    .filter((f) => /\.(json|html|csv)$/.test(f))
    .map((f) => readFileSync(path.join(summary.reportDir, f), 'utf8'))
    .join('\n');
}

describe('notify: the message for a run that ended (pure)', () => {
  const summary = {
    runId: 'r1',
    job: 'nightly',
    startedAt: '2026-12-06T02:00:00.000Z',
    finishedAt: '2026-12-06T02:10:00.000Z',
    status: 'attention',
    exitCode: 1,
    dryRun: false,
    reportDir: '/srv/rtm/reports/r1',
    files: [],
    rows: { total: 10, accepted: 8, rejected: 2 },
    customers: { created: 3, updated: 0, unchanged: 5, deleted: 0, failed: 0, pending: 0 },
    subscribers: { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 1, pending: 0 },
    rpl: { pending: 0, cleared: 0, overdue: 0, nonCompliant: 0, deprovisionCandidates: 0 },
    reconcile: null,
    issueCounts: {},
    attention: [{ kind: 'unsent_changes', partner: 'acme', count: 4, message: '4 changes unsent' }],
    notes: [],
    error: null,
  } as Summary;

  it('when a run ends attention, then the text says the job, status, what needs someone, counts and the report', () => {
    const n = planNotification(summary, 'batch-1');
    expect(n.body.text).to.equal(n.text);
    expect(n.text.split('\n')).to.deep.equal([
      'rtm-batch nightly on batch-1 ended attention (exit 1): run r1, 2026-12-06T02:00:00.000Z to 2026-12-06T02:10:00.000Z.',
      'Needs you: acme: 4 changes unsent (4)',
      'Rows: 10 read, 8 accepted, 2 rejected.',
      'Customers: 3 created, 5 unchanged. Subscribers: 1 failed.',
      'Report: /srv/rtm/reports/r1/report.html',
    ]);
    expect(n.subject).to.equal(
      'rtm-batch nightly on batch-1 ended attention (exit 1), 1 item(s) need you',
    );
    expect(n.body).to.include({
      status: 'attention',
      reportPath: '/srv/rtm/reports/r1/report.html',
    });
    expect(n.body.counts.rows).to.deep.equal({ total: 10, accepted: 8, rejected: 2 });
  });

  it('when deciding whom to tell, then dry runs never, other runs by notify.on', () => {
    expect(shouldNotify(summary, ['attention'])).to.equal(true);
    expect(shouldNotify(summary, ['failed'])).to.equal(false);
    expect(shouldNotify({ ...summary, dryRun: true }, ['attention'])).to.equal(false);
  });
});

describe('notify: a run that ends partial tells a real webhook and SMTP server (separate process)', function () {
  this.timeout(60_000);
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('when the webhook fails twice then answers, then it is retried, signed, and gets counts, attention, report path and text', async () => {
    const hook = await receiver([503, 500, 204]);
    closers.push(hook.close);
    const secretPath = '/hooks/T000-secret-path-9f3a';
    const home = partialWorkspace({
      webhook: { urlEnv: 'RTM_HOOK_URL', secretEnv: 'RTM_HOOK_KEY' },
    });
    const env = { RTM_HOOK_URL: hook.url + secretPath, RTM_HOOK_KEY: 'hmac-key-7c1e55' };
    const res = await runCli(['import', '--json'], { home, env });
    expect(res.code, res.stderr).to.equal(1);
    const summary = JSON.parse(res.stdout) as Summary;
    expect(summary.status).to.equal('partial');

    expect(hook.received).to.have.length(3);
    const last = hook.received[2] as Received;
    // The receiver recomputes the signature over the exact bytes with the shared key.
    const expected = createHmac('sha256', env.RTM_HOOK_KEY).update(last.body).digest('hex');
    expect(last.headers['x-rtm-signature']).to.equal(`sha256=${expected}`);
    const body = JSON.parse(last.body) as Record<string, unknown>;
    expect(body).to.include({ runId: summary.runId, status: 'partial', exitCode: 1 });
    expect(body.reportPath).to.equal(path.join(summary.reportDir, 'report.html'));
    expect(body.counts).to.deep.include({ rows: summary.rows, customers: summary.customers });
    expect(body.attention).to.deep.equal(summary.attention);
    expect(body.text).to.match(/^rtm-batch import on .* ended partial \(exit 1\)/);
    // Sent: nothing about it in the report; the log says so without the URL's secret path.
    expect(summary.notes.join(' ')).not.to.match(/notification/);
    const logs = readLogs(home);
    expect(logs).to.match(/notified by webhook \(127\.0\.0\.1:\d+\) after 3 attempt\(s\)/);
    expect(logs).not.to.include('secret-path-9f3a');
    expect(logs).not.to.include(env.RTM_HOOK_KEY);
  });

  it('when the webhook keeps failing, then the run keeps its outcome and the report says the notification failed, without secrets', async () => {
    const hook = await receiver([500]);
    closers.push(hook.close);
    const home = partialWorkspace({
      webhook: { urlEnv: 'RTM_HOOK_URL', secretEnv: 'RTM_HOOK_KEY' },
      attempts: 3,
    });
    const env = {
      RTM_HOOK_URL: `${hook.url}/hooks/secret-path-9f3a`,
      RTM_HOOK_KEY: 'hmac-key-7c1e55',
    };
    const res = await runCli(['import', '--json'], { home, env });
    const summary = JSON.parse(res.stdout) as Summary;
    expect([res.code, summary.status]).to.deep.equal([1, 'partial']);
    expect(hook.received).to.have.length(3);
    expect(summary.notes).to.deep.equal([
      `the webhook notification (127.0.0.1:${new URL(hook.url).port}) failed after 3 attempt(s): HTTP 500; the run's outcome is unchanged, check the notify settings`,
    ]);
    const written = reportText(summary);
    expect(written).to.include('the webhook notification');
    for (const text of [written, readLogs(home), res.stdout, res.stderr]) {
      expect(text).not.to.include('secret-path-9f3a');
      expect(text).not.to.include(env.RTM_HOOK_KEY);
    }
  });

  it('when e-mail is configured, then the SMTP server gets plain text and the HTML summary, logged in with the secret from the environment', async () => {
    const mails: { from: string; to: string[]; data: string; user: string | undefined }[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'rtm' && auth.password === 'smtp-pass-31d7')
          cb(null, { user: 'rtm' });
        else cb(new Error('bad credentials'));
      },
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (d: Buffer) => (data += d.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.server.address() as AddressInfo;
    const home = partialWorkspace({
      email: {
        host: '127.0.0.1',
        port,
        userEnv: 'RTM_SMTP_USER',
        passwordEnv: 'RTM_SMTP_PASSWORD',
        from: 'rtm-batch@example.com',
        to: ['ops@example.com', 'noc@example.com'],
      },
    });
    const env = { RTM_SMTP_USER: 'rtm', RTM_SMTP_PASSWORD: 'smtp-pass-31d7' };
    const res = await runCli(['import', '--json'], { home, env });
    const summary = JSON.parse(res.stdout) as Summary;
    expect(summary.status).to.equal('partial');
    expect(mails).to.have.length(1);
    const mail = mails[0]!;
    expect(mail).to.deep.include({
      from: 'rtm-batch@example.com',
      to: ['ops@example.com', 'noc@example.com'],
      user: 'rtm',
    });
    const unfolded = mail.data.replace(/=\r\n/g, '').replace(/\r\n[ \t]+/g, ' ');
    expect(unfolded).to.match(/^Subject: rtm-batch import on .* ended partial \(exit 1\)/m);
    expect(unfolded).to.match(/Content-Type: text\/plain/);
    expect(unfolded).to.include(`Report: ${path.join(summary.reportDir, 'report.html')}`);
    expect(unfolded).to.match(/Content-Type: text\/html/);
    expect(unfolded).to.include(summary.runId);
    expect(readLogs(home)).to.match(/notified by email \(127\.0\.0\.1:\d+\) after 1 attempt\(s\)/);
    expect(readLogs(home)).not.to.include('smtp-pass-31d7');
  });

  it('when a run ends ok, then nobody is told unless notify.on names ok', async () => {
    const hook = await receiver([200]);
    closers.push(hook.close);
    const quiet = tempHome('rtm-notify-');
    writeConfig(quiet, { notify: { webhook: { url: hook.url } } });
    expect((await runCli(['import'], { home: quiet })).code).to.equal(0);
    expect(hook.received).to.have.length(0);
    const always = tempHome('rtm-notify-');
    writeConfig(always, { notify: { webhook: { url: hook.url }, on: ['ok', 'failed'] } });
    expect((await runCli(['import'], { home: always })).code).to.equal(0);
    expect(hook.received).to.have.length(1);
    expect(JSON.parse(hook.received[0]!.body)).to.include({ status: 'ok' });
  });
});
