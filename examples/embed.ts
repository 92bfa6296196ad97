/**
 * Embedding Hookline in a Node program: run it with `npm run example:embed`.
 * It starts an in-memory stack, listens to lifecycle events with priorities, creates a hook,
 * fires it through the API, waits for the run to finish, and stops.
 */
import { createLocalStack } from '../infra/local/index.ts';

const stack = await createLocalStack({ port: 0, dataDir: null });
try {
  // Notify-style: lifecycle events by name; higher priority runs first; a throwing callback is isolated.
  stack.on(
    'Run Finished',
    (event) => console.log('first (priority 10):', (event as { detail: { result: string } }).detail.result),
    { priority: 10 },
  );
  stack.on('Run Finished', () => {
    throw new Error('this callback fails; the others still run');
  });
  stack.on('Run Finished', () => console.log('last (priority -1)'), { priority: -1 });

  // Call-style: your own event name; the callbacks' return values are collected in priority order.
  stack.on('pick-greeting', () => 'hello', { priority: 1 });
  stack.on('pick-greeting', () => 'bonjour');
  console.log('greetings:', await stack.call('pick-greeting'));

  const api = `${stack.url}/api/hooks/v1`;
  const auth = {
    authorization: `Bearer ${stack.rootCredentials!.clientId}:${stack.rootCredentials!.accessToken}`,
    'content-type': 'application/json',
  };
  await fetch(`${api}/hooks/examples/embedded`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({
      metadata: { name: 'embedded', description: 'an embedded hook', owner: 'me@example.com' },
      task: { task: { name: 'say', command: ['echo', 'from the embedded stack'] } },
    }),
  });
  const finished = new Promise((resolve) => stack.on('Run Finished', resolve, { priority: -10 }));
  const fired = (await (
    await fetch(`${api}/hooks/examples/embedded/trigger`, { method: 'POST', headers: auth, body: '{}' })
  ).json()) as { runId: string };
  await finished;
  const run = (await (await fetch(`${api}/runs/${fired.runId}`, { headers: auth })).json()) as {
    result: string;
    steps: Array<{ output?: { stdout?: string } }>;
  };
  console.log('run', fired.runId, run.result, JSON.stringify(run.steps[0]?.output?.stdout));
} finally {
  await stack.stop();
}
