import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ArtifactView } from '../../functions/app/runArtifacts.ts';
import { API_PREFIX, path, readJson } from '../apiClient.ts';
import { action } from '../context.ts';
import { NotFound, UsageError } from '../errors.ts';
import { formatTime, printJson, table } from '../output.ts';

/**
 * `hookline artifacts ls RUN` and `hookline artifacts get RUN NAME [-o FILE]`: the files a run's command
 * steps kept (GET /runs/{runId}/artifacts[/{name}], scope hooks:get-artifact:<g>/<h>). A download
 * follows the cloud's redirect to a signed URL, is checked against the recorded SHA-256, and is written
 * whole or not at all.
 */
export function registerArtifactCommands(program: Command): void {
  const artifacts = program
    .command('artifacts')
    .description("list and download the files a run's steps kept");

  artifacts
    .command('ls')
    .description('the artifacts of a run: name, step, size, content type, expiry')
    .argument('<run>', 'run id')
    .action(
      action(async ([runId], { api, output }) => {
        const answer = await api().get<{ artifacts: ArtifactView[] }>(path`/runs/${runId!}/artifacts`);
        if (output.json) return printJson(output, answer);
        if (answer.artifacts.length === 0) return output.out(`run ${runId} kept no artifacts\n`);
        output.out(
          table(output, answer.artifacts, [
            { header: 'NAME', value: (a) => a.name },
            { header: 'STEP', value: (a) => `${a.index} ${a.stepName}` },
            { header: 'SIZE', value: (a) => String(a.size) },
            { header: 'TYPE', value: (a) => a.contentType },
            { header: 'EXPIRES', value: (a) => formatTime(a.expiresAt) },
          ]),
        );
      }),
    );

  artifacts
    .command('get')
    .description('download one artifact (to NAME in the current directory, -o FILE, or -o - for stdout)')
    .argument('<run>', 'run id')
    .argument('<name>', 'artifact name')
    .option('-o, --output <file>', 'where to write it ("-" for stdout; default: ./NAME, never overwritten)')
    .action(
      action<{ output?: string }>(async ([runId, name], { api, output, options }) => {
        const target = options.output ?? name!;
        const file = target === '-' ? undefined : resolve(target);
        if (file && options.output === undefined && existsSync(file))
          throw new UsageError(`${file} exists; name another file with -o`);
        const client = api();
        const listed = await client.get<{ artifacts: ArtifactView[] }>(path`/runs/${runId!}/artifacts`);
        const recorded = listed.artifacts.find((a) => a.name === name);
        if (!recorded) throw new NotFound(`run ${runId} has no artifact ${name}`);
        const res = await client.fetch(`${API_PREFIX}${path`/runs/${runId!}/artifacts/${name!}`}`, {
          headers: client.authHeaders(),
          redirect: 'follow',
        });
        if (!res.ok) await readJson(res); // throws the API's error
        const content = Buffer.from(await res.arrayBuffer());
        const actual = createHash('sha256').update(content).digest('hex');
        if (actual !== recorded.sha256)
          throw new NotFound(
            `${name} arrived with SHA-256 ${actual}, but ${recorded.sha256} was recorded: not written`,
          );
        if (!file) {
          process.stdout.write(content);
          return;
        }
        const partial = `${file}.partial-${process.pid}`;
        try {
          writeFileSync(partial, content);
          renameSync(partial, file);
        } finally {
          rmSync(partial, { force: true });
        }
        if (output.json) return printJson(output, { name, file, size: content.length, sha256: actual });
        output.out(`${file}: ${content.length} bytes, SHA-256 ${actual}\n`);
      }),
    );
}
