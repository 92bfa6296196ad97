/**
 * How fast `hookline --help` answers (issue 13: ≤ 150 ms): the bundle is built as `npm run build:cli`
 * builds it (cli/build.ts) into a temporary install laid out like the package, and
 * `node bin/hookline.mjs --help` is timed in fresh processes, beside a bare `node -e 0` (what Node
 * itself costs on this machine). Medians of `runs` alternating runs of each.
 *
 *   npx tsx bench/cli.ts          prints the figures
 *   import { benchCli } ...       used by bench/run.ts (section `cli`)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli, ROOT } from '../cli/build.ts';

export interface CliFigures {
  runs: number;
  bundleBytes: number;
  helpMedianMs: number;
  nodeBaselineMedianMs: number;
  /** What the command adds to Node's own start. */
  overheadMedianMs: number;
}

function timed(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function benchCli(options: { runs?: number } = {}): Promise<CliFigures> {
  const runs = options.runs ?? 21;
  const install = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-cli-'));
  try {
    fs.mkdirSync(path.join(install, 'bin'));
    fs.copyFileSync(path.join(ROOT, 'bin', 'hookline.mjs'), path.join(install, 'bin', 'hookline.mjs'));
    const bundle = await buildCli(path.join(install, 'cli', 'dist', 'hookline.mjs'));
    const bin = path.join(install, 'bin', 'hookline.mjs');
    timed([bin, '--help']); // warm the file cache
    const help: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) {
      help.push(timed([bin, '--help']));
      baseline.push(timed(['-e', '0']));
    }
    return {
      runs,
      bundleBytes: fs.statSync(bundle).size,
      helpMedianMs: round(median(help)),
      nodeBaselineMedianMs: round(median(baseline)),
      overheadMedianMs: round(median(help) - median(baseline)),
    };
  } finally {
    fs.rmSync(install, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchCli(), null, 2)}\n`);
}
