/**
 * `npm run bench`: the figures the issues ask for, measured in one run on this machine.
 * Each section boots its own in-memory local stack; nothing here is a test (no assertions), the
 * numbers go into the README's performance section.
 */
import os from 'node:os';
import { benchTriggers } from './api.ts';
import { measureBundles } from './bundles.ts';
import { benchCli } from './cli.ts';
import { benchEvents } from './events.ts';
import { benchIdle } from './idle.ts';
import { benchJobFlow } from './jobFlow.ts';
import { benchRedos } from './redos.ts';

/**
 *   npm run bench                  every section, full size (minutes; quote medians and ratios)
 *   npm run bench -- bundles jobs  only those sections (jobs, api, events, bundles, cli)
 *   npm run bench -- --quick       every section at a token size: proves the bench still runs (CI)
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = new Set(args.filter((a) => !a.startsWith('--')));
const wanted = (name: string) => only.size === 0 || only.has(name);

function print(title: string, figures: unknown) {
  process.stdout.write(`\n## ${title}\n${JSON.stringify(figures, null, 2)}\n`);
}

process.stdout.write(
  `Hookline benchmark — ${new Date().toISOString()}\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}\n`,
);

if (wanted('jobs'))
  print('job flow', await benchJobFlow(quick ? { steps: 3, jobs: 1, runs: 6, spawns: 10 } : {}));
if (wanted('api'))
  print('triggers', await benchTriggers(quick ? { latencySamples: 10, clients: 2, sustainMs: 500 } : {}));
if (wanted('events'))
  print('events and scheduler', await benchEvents(quick ? { bindings: 50, events: 100, dueTimes: 5 } : {}));
if (wanted('bundles')) print('Lambda bundles', await measureBundles(quick ? { runs: 1 } : {}));
if (wanted('idle')) print('idle cost of scheduled, concurrency-limited hooks', await benchIdle());
if (wanted('redos')) print('user regexes under ReDoS payloads', await benchRedos());
if (wanted('cli')) print('hookline --help', await benchCli(quick ? { runs: 3 } : {}));
process.exit(0);
