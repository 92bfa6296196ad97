import { it } from 'vitest';
import { hookBody, startTestStack } from '../support/stack.ts';
it('probe', async () => {
  const s = await startTestStack({ dataDir: null });
  const show = async (label: string, p: Promise<{ status: number; body: unknown }>) => {
    const r = await p; console.log(label, r.status, JSON.stringify(r.body).slice(0, 300));
  };
  let deep: unknown = { name: 'x', command: ['true'] };
  for (let i = 0; i < 40; i++) deep = { a: deep };
  await show('deep40', s.api('PUT', '/hooks/p/deep', hookBody({ t: deep })));
  const deeperText = JSON.stringify(hookBody({ t: 'X' })).replace('"X"', '['.repeat(100000) + ']'.repeat(100000));
  await show('deep100000', s.api('PUT', '/hooks/p/deep2', deeperText));
  await show('deep100000trig', s.api('POST', '/hooks/p/ok/trigger', '['.repeat(100000) + ']'.repeat(100000)));
  await show('big', s.api('PUT', '/hooks/p/big', hookBody({ t: 'x'.repeat(900_000) })));
  await show('longids', s.api('PUT', `/hooks/${'g'.repeat(1000)}/${'h'.repeat(1000)}`, hookBody({ task: { name: 'n', command: ['true'] } })));
  await show('ct', s.api('GET', `/hooks/p/big/last-fires?continuationToken=abc`));
  await s.api('PUT', '/hooks/p/ok', hookBody({ task: { name: 'n', command: ['true'] } }, { triggerSchema: {} }));
  await show('ct2', s.api('GET', `/hooks/p/ok/last-fires?continuationToken=${Buffer.from('{}').toString('base64url')}`));
  await show('ct3', s.api('GET', `/hooks/p/ok/last-fires?continuationToken=${Buffer.from('{"pk":"HOOK","sk":"p#ok"}').toString('base64url')}`));
  await show('bigpayload', s.api('POST', '/hooks/p/ok/trigger', { x: 'y'.repeat(600_000) }));
  let dp: unknown = 1; for (let i = 0; i < 40; i++) dp = { a: dp };
  await show('deeppayload', s.api('POST', '/hooks/p/ok/trigger', dp));
  await show('proto', s.api('POST', '/hooks/p/ok/trigger', '{"__proto__": {"polluted": 1}}'));
  await show('pct', s.api('GET', '/hooks/p/%2541'));
  await show('jsone', s.api('PUT', '/hooks/p/je', hookBody({ task: { name: 'n', command: ['printf', '%s', { $eval: 'payload.constructor' }] } }, { triggerSchema: {} })));
  await show('jsone-t', s.api('POST', '/hooks/p/je/trigger', {}));
  for (const l of s.logs.lines.filter((l) => l.level === 'error')) console.log('ERR', String(l.fields?.error).slice(0, 400));
  await s.cleanup();
});
