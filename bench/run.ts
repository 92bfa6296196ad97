/**
 * `npm run bench`: the figures the issues ask for, measured in one run on this machine.
 * Each section boots its own in-memory local stack; nothing here is a test (no assertions), the
 * numbers go into the README's performance section.
 */
import os from 'node:os';
import { benchTriggers } from './api.ts';
import { measureBundles } from './bundles.ts';
import { benchEvents } from './events.ts';
import { benchIdle } from './idle.ts';
import { benchJobFlow } from './jobFlow.ts';
import { benchRedos } from './redos.ts';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);

function print(title: string, figures: unknown) {
  process.stdout.write(`\n## ${title}\n${JSON.stringify(figures, null, 2)}\n`);
}

process.stdout.write(
  `Hookline benchmark — ${new Date().toISOString()}\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}\n`,
);

if (wanted('jobs')) print('job flow (issue 3)', await benchJobFlow());
if (wanted('api')) print('triggers (issue 4)', await benchTriggers());
if (wanted('events')) print('events and scheduler (issue 5)', await benchEvents());
if (wanted('idle')) print('idle cost of scheduled, concurrency-limited hooks (issue 16)', await benchIdle());
if (wanted('redos')) print('user regexes under ReDoS payloads (issue 16)', await benchRedos());
if (wanted('bundles')) print('Lambda bundles (issue 6)', await measureBundles());
process.exit(0);
