#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node
// The installed command: runs the CLI compiled to dist/ by `npm run build`, which `npm ci` runs as
// `prepare` (and `npm start`, `npm test` and `npm run bench` run first). No loader at run time.
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (SQLite's and zlib's pool threads) an
// arena of its own, which keeps what it freed; two arenas take 35 MB off a 1M-row import's peak
// RSS at the same speed. It must be set before node starts, so here, once: `npm start` runs this file.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('rtm-batch: dist/ is missing; run `npm run build` (npm ci runs it).\n');
  process.exit(1);
}
// A reader that goes away (`rtm-batch status | head`) is not the command's failure: what it
// would still print is dropped and the work goes on, instead of a crash on EPIPE.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
// Signals are held from here while the CLI's modules load (src/cli/early-signals.ts).
const signals = await import(new URL('../dist/src/cli/early-signals.js', import.meta.url).href);
signals.holdEarlySignals();
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
signals.obeyHeldSignal();
