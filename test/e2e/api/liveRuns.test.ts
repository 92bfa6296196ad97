import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../functions/api/app.ts';
import { stepOutputResponseSchema } from '../../../functions/api/schemas.ts';
import type { Clock } from '../../../functions/ports/clock.ts';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { expectError, expectShape } from './helpers.ts';

/**
 * Watching a run as it happens (issue 13): a step's output while it runs (the output endpoint with
 * offsets, and the run's Server-Sent Events), resuming the events with Last-Event-ID, and the ticket
 * that opens them without a header. The command prints, then waits on a FIFO the test writes to, then
 * prints more: the test, not a sleep, decides when the step goes on.
 */

let stack: TestStack;
let clockOffsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + clockOffsetMs) };
const fifoDir = tempDataDir('hookline-fifo-');
let fifoCount = 0;

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null, clock });
});
afterAll(async () => {
  await stack?.cleanup();
});

/** A hook whose one step prints `first`, waits for a line on a new FIFO, then prints `second`. */
async function startWaitingRun(hookId: string): Promise<{ runId: string; release: () => Promise<void> }> {
  const fifo = join(fifoDir, `f${++fifoCount}`);
  execFileSync('mkfifo', [fifo]);
  const put = await stack.api(
    'PUT',
    `/hooks/live/${hookId}`,
    hookBody({
      task: {
        name: 'waits',
        command: ['sh', '-c', 'echo first; echo oops >&2; read go < "$1"; echo second', 'sh', fifo],
      },
    }),
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/live/${hookId}/trigger`, {});
  expect(fired.status).toBe(200);
  return { runId: fired.body.runId, release: () => writeFile(fifo, 'go\n') };
}

async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** Reads a text/event-stream response to its end, calling `onEvent` as each event arrives. */
async function readEvents(res: Response, onEvent: (event: SseEvent) => void | Promise<void> = () => {}) {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] =
          (fields[line.slice(0, colon)] ?? '') + line.slice(colon + 1).trimStart();
      }
      if (!fields.event) continue;
      const event = { id: fields.id!, event: fields.event, data: JSON.parse(fields.data!) };
      events.push(event);
      await onEvent(event);
    }
  }
  return events;
}

const bearer = () => `Bearer ${stack.rootCredentials.clientId}:${stack.rootCredentials.accessToken}`;

function openEvents(
  runId: string,
  headers: Record<string, string> = { authorization: bearer() },
  query = '',
) {
  return fetch(`${stack.url}${API_PREFIX}/runs/${runId}/events${query}`, { headers });
}

const idSum = (id: string) => Number(id.split('.')[0]);

describe('a step’s output while it runs', () => {
  it('the output endpoint shows what has arrived, and from an offset only what is new', async () => {
    const { runId, release } = await startWaitingRun('output');
    const path = `/runs/${runId}/steps/0/output`;
    const early = await pollUntil(
      async () => expectShape(stepOutputResponseSchema, (await stack.api('GET', path)).body),
      (o) => o.stdout === 'first\n' && o.stderr === 'oops\n',
      'the first line',
    );
    expect(early).toMatchObject({ status: 'running', complete: false, stdoutOffset: 6, stderrOffset: 5 });
    // nothing new yet from where the client stopped
    const nothing = await stack.api('GET', `${path}?stdoutOffset=6&stderrOffset=5`);
    expect(nothing.body).toMatchObject({
      stdout: '',
      stderr: '',
      stdoutOffset: 6,
      stderrOffset: 5,
      complete: false,
    });
    // the run status shows the running step's output so far
    const status = await stack.api<{ steps: Array<{ output?: { stdout?: string } }> }>(
      'GET',
      `/runs/${runId}`,
    );
    expect(status.body.steps[0]!.output?.stdout).toBe('first\n');

    await release();
    const rest = await pollUntil(
      async () =>
        expectShape(
          stepOutputResponseSchema,
          (await stack.api('GET', `${path}?stdoutOffset=6&stderrOffset=5`)).body,
        ),
      (o) => o.complete,
      'the step to finish',
    );
    expect(rest).toMatchObject({
      status: 'succeeded',
      stdout: 'second\n',
      stderr: '',
      stdoutOffset: 13,
      stderrOffset: 5,
      truncated: false,
      complete: true,
    });
    const whole = await stack.api('GET', path);
    expect(whole.body).toMatchObject({ stdout: 'first\nsecond\n', stderr: 'oops\n', stdoutOffset: 13 });
    await stack.waitForRunFinished(runId);
  });

  it('refuses an offset that is not a whole number', async () => {
    const { runId, release } = await startWaitingRun('badoffset');
    expectError(
      await stack.api('GET', `/runs/${runId}/steps/0/output?stdoutOffset=-1`),
      400,
      'InputError',
      /stdoutOffset/,
    );
    await release();
    await stack.waitForRunFinished(runId);
  });
});

describe('GET /runs/{runId}/events', () => {
  it('streams the run live, ends with the finished run, and resumes from any id without gap or repeat of text', async () => {
    const { runId, release } = await startWaitingRun('events');
    const res = await openEvents(runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let released = false;
    const live = await readEvents(res, async (event) => {
      // the first line arrived while the step waits: only then does the test let it go on
      if (!released && event.event === 'output' && event.data.text === 'first\n') {
        released = true;
        await release();
      }
    });
    expect(released).toBe(true);
    expect(live[0]).toMatchObject({ event: 'run', data: { runId } });
    expect(live.at(-1)).toMatchObject({ event: 'run', data: { status: 'finished', result: 'succeeded' } });
    const sums = live.map((e) => idSum(e.id));
    for (let i = 1; i < sums.length; i++) expect(sums[i]).toBeGreaterThan(sums[i - 1]!);
    const stdout = live
      .filter((e) => e.event === 'output' && e.data.stream === 'stdout')
      .map((e) => e.data.text)
      .join('');
    expect(stdout).toBe('first\nsecond\n');
    expect(live.filter((e) => e.event === 'output' && e.data.stream === 'stderr').map((e) => e.data)).toEqual(
      [{ index: 0, stream: 'stderr', offset: 0, text: 'oops\n' }],
    );
    const stepEvents = live.filter((e) => e.event === 'step');
    expect(stepEvents.at(-1)).toMatchObject({ data: { index: 0, status: 'succeeded', exitCode: 0 } });

    // resume from every id: the text that followed it, each stream continuing exactly where the client
    // stopped (no gap, no repeat), the step's final state, and the finished run last
    const full = { stdout: 'first\nsecond\n', stderr: 'oops\n' };
    for (let i = 0; i < live.length; i++) {
      const resumed = await readEvents(
        await openEvents(runId, { authorization: bearer(), 'last-event-id': live[i]!.id }),
      );
      if (i === live.length - 1) {
        expect(resumed).toEqual([]);
        continue;
      }
      for (const stream of ['stdout', 'stderr'] as const) {
        const ofStream = (events: SseEvent[]) =>
          events.filter((e) => e.event === 'output' && e.data.stream === stream);
        let text = ofStream(live.slice(0, i + 1))
          .map((e) => e.data.text)
          .join('');
        for (const event of ofStream(resumed)) {
          expect(event.data.offset, `${stream} after ${live[i]!.id}`).toBe(text.length);
          text += event.data.text as string;
        }
        expect(text).toBe(full[stream]);
      }
      expect(resumed.at(-1)).toEqual(live.at(-1));
      const sawFinalStep = live
        .slice(0, i + 1)
        .some((e) => e.event === 'step' && e.data.status === 'succeeded');
      if (!sawFinalStep) expect(resumed.filter((e) => e.event === 'step').at(-1)).toEqual(stepEvents.at(-1));
      const resumedSums = resumed.map((e) => idSum(e.id));
      expect(resumedSums[0]).toBeGreaterThan(idSum(live[i]!.id));
      for (let k = 1; k < resumedSums.length; k++)
        expect(resumedSums[k]).toBeGreaterThan(resumedSums[k - 1]!);
    }
  });

  it('a finished run replays and closes; a Last-Event-ID of another shape is a 400', async () => {
    const { runId, release } = await startWaitingRun('replay');
    await release();
    await stack.waitForRunFinished(runId);
    const replay = await readEvents(await openEvents(runId));
    expect(replay.map((e) => e.event)).toEqual(['run', 'output', 'output', 'run']);
    expect(replay[0]!.data.status).toBe('finished');
    expect(replay.at(-1)!.data.status).toBe('finished');
    const bad = await openEvents(runId, { authorization: bearer(), 'last-event-id': '5.999' });
    expect(bad.status).toBe(400);
    const forged = await openEvents(runId, { authorization: bearer(), 'last-event-id': '999.22' });
    expect(forged.status).toBe(400);
  });

  it('needs credentials: none is a 401, a client without hooks:get-run a 403', async () => {
    const { runId, release } = await startWaitingRun('auth');
    expect((await openEvents(runId, {})).status).toBe(401);
    const made = await stack.api<{ accessToken: string }>('PUT', '/clients/live-narrow', {
      scopes: ['hooks:get-run:live/other'],
    });
    const narrow = `Bearer live-narrow:${made.body.accessToken}`;
    expect((await openEvents(runId, { authorization: narrow })).status).toBe(403);
    await release();
    await stack.waitForRunFinished(runId);
  });
});

describe('the events ticket', () => {
  it('opens the events of its run without a header, not another run’s, and not after it expires', async () => {
    const { runId, release } = await startWaitingRun('ticket');
    const other = await startWaitingRun('ticket-other');
    const minted = await stack.api<{ token: string; expires: string }>(
      'POST',
      `/runs/${runId}/events/ticket`,
    );
    expect(minted.status).toBe(200);
    expect(Date.parse(minted.body.expires) - clock.now().getTime()).toBeGreaterThan(50_000);
    await release();
    await other.release();
    await stack.waitForRunFinished(runId);
    await stack.waitForRunFinished(other.runId);
    const token = encodeURIComponent(minted.body.token);

    const ok = await openEvents(runId, {}, `?token=${token}`);
    expect(ok.status).toBe(200);
    expect((await readEvents(ok)).at(-1)).toMatchObject({ event: 'run', data: { status: 'finished' } });

    const wrongRun = await openEvents(other.runId, {}, `?token=${token}`);
    expect(wrongRun.status).toBe(401);
    expect(await wrongRun.json()).toMatchObject({ code: 'AuthenticationFailed', message: /another run/ });

    const tampered = await openEvents(runId, {}, `?token=${token.slice(0, -2)}AA`);
    expect(tampered.status).toBe(401);

    clockOffsetMs = 61_000;
    try {
      const expired = await openEvents(runId, {}, `?token=${token}`);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ message: /expired/ });
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('resuming across a restart', () => {
  it('an id from before the stack stopped resumes on the next stack from the stored run', async () => {
    const dataDir = tempDataDir('hookline-resume-');
    let first: TestStack | undefined = await startTestStack({ dataDir });
    let second: TestStack | undefined;
    try {
      const fifo = join(fifoDir, `restart${++fifoCount}`);
      execFileSync('mkfifo', [fifo]);
      await first.api(
        'PUT',
        '/hooks/live/restart',
        hookBody({
          task: { name: 'waits', command: ['sh', '-c', 'echo before; read go < "$1"', 'sh', fifo] },
        }),
      );
      const fired = await first.api<{ runId: string }>('POST', '/hooks/live/restart/trigger', {});
      const runId = fired.body.runId;
      const credentials = first.rootCredentials;
      const auth = { authorization: `Bearer ${credentials.clientId}:${credentials.accessToken}` };
      // follow the run until its first line, then drop the connection and stop the stack
      const controller = new AbortController();
      const seen: SseEvent[] = [];
      const res = await fetch(`${first.url}${API_PREFIX}/runs/${runId}/events`, {
        headers: auth,
        signal: controller.signal,
      });
      await readEvents(res, (event) => {
        seen.push(event);
        if (event.event === 'output') controller.abort();
      }).catch((error: Error) => {
        if (error.name !== 'AbortError') throw error;
      });
      expect(seen.at(-1)).toMatchObject({ event: 'output', data: { text: 'before\n', offset: 0 } });
      await first.cleanup();
      first = undefined;

      second = await startTestStack({ dataDir });
      await second.waitForRunFinished(runId);
      const rest = await readEvents(
        await fetch(`${second.url}${API_PREFIX}/runs/${runId}/events`, {
          headers: { ...auth, 'last-event-id': seen.at(-1)!.id },
        }),
      );
      // nothing repeated (no output again), the step's end and the finished run
      expect(rest.map((e) => e.event)).toEqual(['step', 'run']);
      expect(rest[0]).toMatchObject({ data: { index: 0, status: 'failed' } });
      expect(rest[1]).toMatchObject({ data: { status: 'finished', result: 'failed' } });
      expect(idSum(rest[0]!.id)).toBeGreaterThan(idSum(seen.at(-1)!.id));
    } finally {
      await first?.cleanup();
      await second?.cleanup();
    }
  });
});
