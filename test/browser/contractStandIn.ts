import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getRunStatus, type RunStatusView } from '../../functions/app/runQueries.ts';
import { buildRenderContext, renderJob } from '../../functions/core/render.ts';
import type { HookDefinition } from '../../functions/core/hookDefinition.ts';
import type { TestStack } from '../support/stack.ts';

/**
 * DEVELOPMENT ONLY, never used by a test run unless HOOKLINE_CONTRACT_STAND_IN=1: a proxy in front of a
 * real local stack that answers the issue-13 endpoints of /work/wt/API-CONTRACT.md (GET /runs, live
 * output offsets, the run event stream and its ticket, render) roughly, so the dashboard could be
 * developed before those endpoints were merged. Everything else goes to the real stack. It checks no
 * credentials and its stream polls the store: it is no model for the real endpoints.
 */
export async function startContractStandIn(stack: TestStack): Promise<{ url: string; close: () => void }> {
  const app = new Hono();
  const api = new Hono();
  const store = stack.services.store;

  api.get('/runs', async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    const runs = [];
    for (const { definition } of await store.listAllHooks()) {
      if (q('hookGroupId') && definition.hookGroupId !== q('hookGroupId')) continue;
      if (q('hookId') && definition.hookId !== q('hookId')) continue;
      const page = await store.listRuns(definition.hookGroupId, definition.hookId, { limit: 1000 });
      runs.push(...page.items);
    }
    const shown = runs
      .filter((r) => (!q('status') || r.status === q('status')) && (!q('result') || r.result === q('result')))
      .filter((r) => !q('firedBy') || r.firedBy === q('firedBy'))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .map(({ runId, hookGroupId, hookId, firedBy, status, result, createdAt, startedAt, finishedAt }) => ({
        runId,
        hookGroupId,
        hookId,
        firedBy,
        status,
        result,
        createdAt,
        ...(startedAt ? { startedAt } : {}),
        ...(finishedAt ? { finishedAt } : {}),
      }));
    return c.json({ runs: shown });
  });

  api.post('/runs/:runId/events/ticket', (c) =>
    c.json({ token: 'stand-in', expires: new Date(Date.now() + 60_000).toISOString() }),
  );

  api.get('/runs/:runId/events', (c) =>
    streamSSE(c, async (stream) => {
      const runId = c.req.param('runId');
      let id = 0;
      let last: RunStatusView | undefined;
      const sent = new Map<number, { stdout: number; stderr: number }>();
      for (;;) {
        const view = await getRunStatus(stack.services, runId).catch(() => undefined);
        if (!view) return; // the stack stopped
        if (!last) await stream.writeSSE({ id: String(++id), event: 'run', data: JSON.stringify(view) });
        for (const step of view.steps) {
          const before = last?.steps.find((s) => s.index === step.index);
          if (last && JSON.stringify({ ...before, output: 0 }) !== JSON.stringify({ ...step, output: 0 }))
            await stream.writeSSE({ id: String(++id), event: 'step', data: JSON.stringify({ ...step }) });
          const output = await store.getStepOutput(runId, step.index).catch(() => undefined);
          const offsets = sent.get(step.index) ?? { stdout: 0, stderr: 0 };
          for (const name of ['stdout', 'stderr'] as const) {
            const text = output?.[name] ?? '';
            if (text.length > offsets[name]) {
              await stream.writeSSE({
                id: String(++id),
                event: 'output',
                data: JSON.stringify({
                  index: step.index,
                  stream: name,
                  offset: offsets[name],
                  text: text.slice(offsets[name]),
                }),
              });
              offsets[name] = text.length;
            }
          }
          sent.set(step.index, offsets);
        }
        last = view;
        if (view.status === 'finished') {
          await stream.writeSSE({ id: String(++id), event: 'run', data: JSON.stringify(view) });
          return;
        }
        await stream.sleep(100);
      }
    }),
  );

  api.get('/runs/:runId/steps/:index/output', async (c) => {
    const runId = c.req.param('runId');
    const index = Number(c.req.param('index'));
    const output = (await store.getStepOutput(runId, index)) ?? {};
    const step = await store.getStep(runId, index);
    const from = (name: 'stdout' | 'stderr') => Number(c.req.query(`${name}Offset`) ?? '0');
    const stdout = (output.stdout ?? '').slice(from('stdout'));
    const stderr = (output.stderr ?? '').slice(from('stderr'));
    return c.json({
      runId,
      index,
      stdout,
      stderr,
      stdoutOffset: from('stdout') + stdout.length,
      stderrOffset: from('stderr') + stderr.length,
      truncated: Boolean(output.truncated),
      complete: step?.finishedAt !== undefined,
    });
  });

  const render = (hook: HookDefinition, body: Record<string, unknown>) => {
    try {
      const outcome = renderJob(
        hook.task,
        buildRenderContext({
          firedBy: (body.firedBy as 'triggerHook') ?? 'triggerHook',
          runId: 'preview',
          now: new Date(),
          hook,
          payload: body.payload ?? {},
          event: body.event,
        }),
      );
      return { status: 200 as const, body: { job: outcome.kind === 'job' ? outcome.job : null } };
    } catch (error) {
      return { status: 400 as const, body: { code: 'InputError', message: (error as Error).message } };
    }
  };
  api.post('/hooks/:g/:h/render', async (c) => {
    const hook = await store.getHook(c.req.param('g'), c.req.param('h'));
    if (!hook) return c.json({ code: 'ResourceNotFound', message: 'no such hook' }, 404);
    const answer = render(hook.definition, await c.req.json());
    return c.json(answer.body, answer.status);
  });
  api.post('/render', async (c) => {
    const body = (await c.req.json()) as Record<string, unknown>;
    const hook = { hookGroupId: 'render', hookId: 'render', ...(body.hook as object) } as HookDefinition;
    const answer = render(hook, body);
    return c.json(answer.body, answer.status);
  });

  app.route('/api/hooks/v1', api);
  app.all('*', async (c) => {
    const target = new URL(c.req.url);
    const upstream = new URL(target.pathname + target.search, stack.url);
    const body = ['GET', 'HEAD'].includes(c.req.method) ? undefined : await c.req.arrayBuffer();
    const headers = new Headers(c.req.raw.headers);
    headers.delete('host');
    const res = await fetch(upstream, { method: c.req.method, headers, body });
    return new Response(res.body, { status: res.status, headers: res.headers });
  });

  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
