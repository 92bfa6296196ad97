import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jsone from 'json-e';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  COMMAND_RUNNER_HOOK_TYPES_ROOT,
  loadHookTypeDirectory,
  readHookTypeDirectory,
  SCRIPT_FOLDER_CONCURRENCY,
} from '../../../../functions/adapters/local/hookTypeDirectory.ts';
import { type InProcessServices, inProcessServices } from '../../app/inProcessServices.ts';

/**
 * `--hook-types DIR` (functions/adapters/local/hookTypeDirectory.ts): `<name>.hook/` folders of
 * configuration, JSON-e templates and executable scripts, read into hook types and stored.
 */
const examples = resolve('examples/hook-types');
let dir: string;
let env: InProcessServices;

beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-hook-type-dir-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function folder(name: string, files: Record<string, string>, executable: string[] = []): string {
  const path = join(dir, `${name}.hook`);
  mkdirSync(path);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
  for (const file of executable) chmodSync(join(path, file), 0o755);
  return path;
}

const eventTemplate = 'task: { name: t, event: { source: s, detailType: d } }\n';

describe('readHookTypeDirectory', () => {
  it('reads each <name>.hook folder, in name order: configuration and templates by event', () => {
    folder('notify', {
      'configuration.yaml': 'channel:\n  description: where to post\n  default: general\n',
      'run.yaml': 'task:\n  name: post\n  command: ["echo", {$eval: "config.channel"}]\n',
      'run-finished.json': JSON.stringify({ task: { name: 'after', command: ['true'] } }),
      'step-started.yml': eventTemplate,
      'README.md': 'not an event',
    });
    folder('alpha', { 'run.yaml': eventTemplate });
    mkdirSync(join(dir, 'not-a-type'));
    writeFileSync(join(dir, 'file.hook'), 'a file, not a folder');
    const types = readHookTypeDirectory(dir);
    expect(types.map((t) => t.name)).toEqual(['alpha', 'notify']);
    expect(types[1]).toEqual({
      name: 'notify',
      body: {
        configuration: { channel: { description: 'where to post', default: 'general' } },
        events: {
          run: { task: { name: 'post', command: ['echo', { $eval: 'config.channel' }] } },
          'Run Finished': { task: { name: 'after', command: ['true'] } },
          'Step Started': { task: { name: 't', event: { source: 's', detailType: 'd' } } },
        },
      },
    });
  });

  it('without scripts sets no concurrency and names no script folder', () => {
    folder('plain', { 'run.yaml': eventTemplate });
    expect(readHookTypeDirectory(dir)).toEqual([
      {
        name: 'plain',
        body: {
          configuration: {},
          events: { run: { task: { name: 't', event: { source: 's', detailType: 'd' } } } },
        },
      },
    ]);
  });

  it('makes an executable script the job of its event: one command step, no shell; its hooks run one at a time', () => {
    const path = folder('counter', { run: '#!/bin/sh\nexit 0\n', 'hook-fired': '#!/bin/sh\n' }, [
      'run',
      'hook-fired',
    ]);
    const [type] = readHookTypeDirectory(dir);
    expect(type).toEqual({
      name: 'counter',
      body: {
        configuration: {},
        events: {
          run: { task: { name: 'run', command: [join(path, 'run')] } },
          'Hook Fired': { task: { name: 'hook-fired', command: [join(path, 'hook-fired')] } },
        },
        concurrency: SCRIPT_FOLDER_CONCURRENCY,
      },
      scriptFolder: path,
    });
    expect(SCRIPT_FOLDER_CONCURRENCY).toEqual({ limit: 1, onLimit: 'queue' });
  });

  it('names the scripts where they will run (scriptRoot), keeping the folder it read', () => {
    const path = folder('counter', { run: '#!/bin/sh\n' }, ['run']);
    const [type] = readHookTypeDirectory(dir, { scriptRoot: COMMAND_RUNNER_HOOK_TYPES_ROOT });
    expect((type!.body as { events: { run: unknown } }).events.run).toEqual({
      task: { name: 'run', command: ['/var/task/hook-types/counter.hook/run'] },
    });
    expect(type!.scriptFolder).toBe(path);
  });

  it('escapes "${" in a script path, so JSON-e renders the path itself, not an interpolation', () => {
    folder('odd', { run: '#!/bin/sh\n' }, ['run']);
    const root = ['/opt/$', '{x}'].join(''); // a folder named `${x}`
    const [odd] = readHookTypeDirectory(dir, { scriptRoot: root });
    const job = (odd!.body as { events: { run: unknown } }).events.run;
    expect(jsone(job as object, { x: 'interpolated' })).toEqual({
      task: { name: 'run', command: [`${root}/odd.hook/run`] },
    });
  });

  it('leaves a script that is not executable out, and says which file', () => {
    const path = folder('lazy', { run: '#!/bin/sh\n', 'run-finished.yaml': eventTemplate });
    const notExecutable: string[] = [];
    const [type] = readHookTypeDirectory(dir, { onNotExecutable: (file) => notExecutable.push(file) });
    expect(notExecutable).toEqual([join(path, 'run')]);
    expect(Object.keys((type!.body as { events: object }).events)).toEqual(['Run Finished']);
    expect(type!.scriptFolder).toBeUndefined();
  });

  it('refuses a folder with a script and a template for one event, naming both', () => {
    folder('mixed', { run: '#!/bin/sh\n', 'run.yaml': eventTemplate }, ['run']);
    expect(() => readHookTypeDirectory(dir)).toThrow(
      'hook type mixed: run and run.yaml both handle "run"; keep one (a script or a template per event)',
    );
  });

  it('refuses two templates for one event, naming both', () => {
    folder('twice', { 'run.json': '{"task": {}}', 'run.yaml': eventTemplate });
    expect(() => readHookTypeDirectory(dir)).toThrow(
      'hook type twice: run.json and run.yaml both handle "run"',
    );
  });

  it('reads the examples shipped with Hookline', () => {
    const types = readHookTypeDirectory(examples);
    expect(types.map((t) => t.name)).toEqual(['counter', 'notifier']);
    expect(types[0]!.scriptFolder).toBe(join(examples, 'counter.hook'));
  });
});

describe('loadHookTypeDirectory', () => {
  it('stores every type and answers their names; a type of that name is replaced', async () => {
    folder('notify', {
      'configuration.yaml': 'channel:\n  default: general\n',
      'run.yaml': eventTemplate,
    });
    const scripted = folder('counter', { run: '#!/bin/sh\n' }, ['run']);
    await env.services.hookTypes.putHookType({
      name: 'notify',
      description: 'put through the API',
      configuration: {},
      events: { run: { task: { name: 'old', command: ['false'] } } },
    });
    expect(await loadHookTypeDirectory(env.services, dir)).toEqual(['counter', 'notify']);
    expect(await env.services.hookTypes.getHookType('notify')).toMatchObject({
      name: 'notify',
      description: '',
      configuration: { channel: { default: 'general' } },
      events: { run: { task: { name: 't', event: { source: 's', detailType: 'd' } } } },
    });
    expect(await env.services.hookTypes.getHookType('counter')).toMatchObject({
      scriptFolder: scripted,
      concurrency: { limit: 1, onLimit: 'queue' },
    });
  });

  it('warns in the log about a script that is not executable', async () => {
    const path = folder('lazy-load', { run: '#!/bin/sh\n', 'run-finished.yaml': eventTemplate });
    const before = env.logs.lines.length;
    expect(await loadHookTypeDirectory(env.services, dir)).toEqual(['lazy-load']);
    expect(env.logs.lines.slice(before)).toContainEqual({
      level: 'warn',
      message: 'hook type script is not executable; its event is not handled (chmod +x it)',
      fields: { script: join(path, 'run') },
    });
  });

  it('refuses an invalid type, naming the type, the directory and the problem', async () => {
    folder('bad-event', { 'not-an-event.yaml': eventTemplate });
    await expect(loadHookTypeDirectory(env.services, dir)).rejects.toThrow(
      new RegExp(`^hook type bad-event in ${dir}: .*not-an-event`),
    );
    expect(await env.services.hookTypes.getHookType('bad-event')).toBeUndefined();
  });
});
