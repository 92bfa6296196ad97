import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIST_DIR } from '../../infra/local/localDashboard.ts';
import { PROJECT_ROOT } from '../../infra/bundlingOptions.ts';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real local
 * stack: one browser and one page for the file, screens visited in order, a screenshot of each under
 * test-output/screenshots/, and no console errors. `.ci/install-chromium.sh` installs Chromium.
 */

const CHROMIUM = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');
/** How long the browser waits for something to appear (a run's steps take a few seconds). */
const UI_TIMEOUT_MS = 15_000;

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let baseUrl: string;
const consoleErrors: string[] = [];

const G = 'demo';

const greet = hookBody(
  {
    preHooks: [{ name: 'prepare', command: ['sh', '-c', 'echo preparing; sleep 2'] }],
    task: {
      name: 'greet',
      command: [
        'sh',
        '-c',
        'echo "first line for $1"; sleep 2; echo "second line"',
        'greet',
        { $eval: 'payload.name' },
      ],
    },
    postHooks: [{ name: 'tidy up', command: ['echo', 'tidied'] }],
  },
  {
    metadata: { name: 'Greet someone', description: 'Says hello', owner: 'dash@example.com' },
    triggerSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', default: 'world', description: 'Who to greet' },
        mood: { enum: ['cheerful', 'calm'], default: 'calm' },
        times: { type: 'integer' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
);

const critical = hookBody(
  {
    preHooks: [{ name: 'check disk', command: ['sh', '-c', 'echo "disk full" >&2; exit 3'], critical: true }],
    task: { name: 'backup', command: ['echo', 'backing up'] },
  },
  {
    metadata: { name: 'Nightly backup', description: 'Backs up', owner: 'dash@example.com' },
    bindings: [{ source: ['backup.requests'] }],
  },
);

const slow = hookBody(
  { task: { name: 'long job', command: ['sh', '-c', 'echo started; sleep 60; echo never'] } },
  {
    metadata: { name: 'Long job', description: 'Takes a minute', owner: 'dash@example.com' },
    schedule: ['cron(30 2 * * ? *)', 'rate(2 hours)'],
    bindings: [{ source: ['aws.s3'], 'detail-type': ['Object Created'] }],
  },
);

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function go(pathname: string): Promise<void> {
  await page.goto(baseUrl + pathname);
}

async function fire(hookId: string, payload: unknown = {}): Promise<string> {
  const res = await stack.api<{ runId: string }>('POST', `/hooks/${G}/${hookId}/trigger`, payload);
  if (res.status !== 200) throw new Error(`trigger ${hookId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.runId;
}

/** Polls until the expectation holds (or the UI timeout passes). */
const eventually = <T>(read: () => Promise<T> | T) =>
  expect.poll(read, { timeout: UI_TIMEOUT_MS, interval: 100 });

const step = (name: string) => page.locator(`li.step:has(.step-name:text-is("${name}"))`);
const stepStatus = (name: string) => step(name).locator('.step-head .status');

beforeAll(async () => {
  // Built from the current source, so the test never checks a stale build.
  execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'dashboard', 'build.ts')], {
    stdio: 'inherit',
  });
  expect(existsSync(path.join(DASHBOARD_DIST_DIR, 'index.html'))).toBe(true);
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run .ci/install-chromium.sh (or set HOOKLINE_CHROMIUM)`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startTestStack({ dataDir: null });
  for (const [hookId, body] of Object.entries({ greet, critical, slow })) {
    const res = await stack.api('PUT', `/hooks/${G}/${hookId}`, body);
    if (res.status !== 200) throw new Error(`create ${hookId}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  baseUrl = stack.url;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

describe('the dashboard in Chromium', () => {
  it('is served at / with a CSP, hashed long-cached assets and a no-cache page', async () => {
    const res = await fetch(`${stack.url}/runs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(stack.url + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${stack.url}/assets/..%2Fbuild.ts`)).status).toBe(404);
    expect((await stack.api('GET', '/nothing-here')).status).toBe(404);
  });

  it('signs in with a client id and access token', async () => {
    await go('/');
    await eventually(() => page.getByRole('heading', { name: /Sign in/ }).isVisible()).toBe(true);
    await screenshot('sign-in');
    await page.getByLabel('Client id').fill(stack.rootCredentials.clientId);
    await page.getByLabel('Access token').fill('not the token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The client id or access token is not right').waitFor();
    consoleErrors.length = 0; // the refused attempt is logged by the browser as a failed request
    await page.getByLabel('Access token').fill(stack.rootCredentials.accessToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hooks', exact: true }).waitFor();
    // evaluate() runs in the browser: its storage objects, not Node's.
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual(['hookline.credentials']);
  });

  it('lists the hooks by group with their triggers, and filters them', async () => {
    await page.getByRole('heading', { name: G }).waitFor();
    await page.getByRole('link', { name: 'Long job' }).waitFor();
    await eventually(() => page.locator('tr:has-text("Long job")').innerText()).toMatch(/next in \d+/);
    const longJob = await page.locator('tr:has-text("Long job")').innerText();
    expect(longJob).toContain('at 02:30 every day');
    expect(longJob).toContain('every 2 hours');
    expect(longJob).toContain('1 binding');
    await screenshot('hooks');
    await page.getByLabel('Filter hooks').fill('backup');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Filter hooks').fill('');
  });

  it('fires a hook through its generated form and follows the run live: pending → running → succeeded', async () => {
    await go(`/hooks/${G}/greet`);
    const form = page.getByRole('form', { name: `Trigger ${G}/greet` });
    const name = form.getByLabel(/^name/);
    expect(await name.inputValue()).toBe('world');
    expect(await name.getAttribute('required')).not.toBeNull();
    expect(await form.getByLabel(/^mood/).inputValue()).toBe('calm');
    await name.fill('browser');
    await form.getByRole('button', { name: 'Preview job' }).click();
    await eventually(() => form.locator('.json').innerText()).toContain('"browser"');
    await screenshot('hook');
    await form.getByRole('button', { name: 'Trigger' }).click();
    await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);

    // The task waits for the 2 s pre-hook, then prints a line, waits 2 s, prints another.
    await eventually(() => stepStatus('greet').getAttribute('data-status')).toBe('pending');
    await eventually(() => stepStatus('greet').getAttribute('data-status')).toBe('running');
    await eventually(() => step('greet').locator('.output').innerText()).toContain('first line for browser');
    expect(await stepStatus('greet').getAttribute('data-status')).toBe('running');
    await screenshot('run-live');
    await eventually(() => stepStatus('greet').getAttribute('data-status')).toBe('succeeded');
    await eventually(() => step('greet').locator('.output').innerText()).toContain('second line');
    await eventually(() => page.locator('.run-state .status').getAttribute('data-status')).toBe('succeeded');
    expect(await stepStatus('tidy up').getAttribute('data-status')).toBe('succeeded');
  });

  it('edits a definition, checking it by rendering before saving', async () => {
    await go(`/hooks/${G}/critical`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByRole('textbox', { name: 'Definition (JSON)' });
    const definition = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...definition, task: { $eval: 'nope(' } }));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await eventually(() => page.getByRole('alert').innerText()).toContain('InputError');
    // The browser logs the refused request (400) as a console error: that refusal is what this checks.
    const refused = consoleErrors.findIndex((line) => /render: .*status of 400|status of 400/.test(line));
    expect(refused).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(refused, 1);
    const metadata = definition.metadata as Record<string, unknown>;
    await editor.fill(
      JSON.stringify({ ...definition, metadata: { ...metadata, name: 'Nightly backup v2' } }),
    );
    await page.getByRole('button', { name: 'Check and save' }).click();
    await page.getByRole('heading', { name: 'Nightly backup v2' }).waitFor();
    await eventually(() => page.getByRole('region', { name: 'Change history' }).innerText()).toContain(
      'update',
    );
    expect(
      (await stack.api<{ metadata: { name: string } }>('GET', `/hooks/${G}/critical`)).body.metadata.name,
    ).toBe('Nightly backup v2');
  });

  it('shows a critical failure with the skipped steps and the reason', async () => {
    const runId = await fire('critical');
    await stack.waitForRunFinished(runId);
    await go(`/runs/${runId}`);
    await eventually(() => stepStatus('check disk').getAttribute('data-status')).toBe('failed');
    expect(await step('check disk').innerText()).toContain('exit code 3');
    expect(await step('check disk').locator('.output').innerText()).toContain('disk full');
    expect(await stepStatus('backup').getAttribute('data-status')).toBe('skipped');
    expect(await step('backup').innerText()).toMatch(/critical/i);
    expect(await page.locator('.run-state .status').getAttribute('data-status')).toBe('failed');
    await screenshot('run-failed');
  });

  it('cancels a running step after confirmation', async () => {
    const runId = await fire('slow');
    await go(`/runs/${runId}`);
    await eventually(() => stepStatus('long job').getAttribute('data-status')).toBe('running');
    await eventually(() => step('long job').locator('.output').innerText()).toContain('started');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await eventually(() => stepStatus('long job').getAttribute('data-status')).toBe('cancelled');
    await eventually(() => page.locator('.run-state .status').getAttribute('data-status')).toBe('cancelled');
    expect((await stack.waitForRunFinished(runId)).result).toBe('cancelled');
  });

  it('lists runs newest first and filters them by result and hook', async () => {
    await go('/runs');
    await eventually(() => page.locator('tbody tr').count()).toBe(3);
    await screenshot('runs');
    await page.getByLabel('Result').selectOption('failed');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').innerText()).toContain(`${G}/critical`);
    expect(page.url()).toContain('result=failed');
    await page.getByLabel('Result').selectOption('');
    await page.getByLabel('Hook', { exact: true }).fill(`${G}/greet`);
    await page.getByLabel('Hook', { exact: true }).press('Enter');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').innerText()).toContain('succeeded');
  });

  it('matches a pasted event against the bindings and names the pattern', async () => {
    await go('/events');
    await page.getByRole('button', { name: 'Match bindings' }).click();
    const matches = page.getByRole('list', { name: 'Matching bindings' });
    await eventually(() => matches.locator('li').count()).toBe(1);
    expect(await matches.innerText()).toContain(`${G}/slow`);
    expect(await matches.innerText()).toContain('"Object Created"');
    await screenshot('events');
    await page
      .getByRole('textbox', { name: /^Event/ })
      .fill('{"source": "elsewhere", "detail-type": "x", "detail": {}}');
    await page.getByRole('button', { name: 'Match bindings' }).click();
    await page.getByText('No binding matches this event').waitFor();

    // Put one on the local bus: the bound hook fires.
    await page
      .getByRole('textbox', { name: /^Event/ })
      .fill('{"source": "backup.requests", "detail-type": "Backup Wanted", "detail": {"why": "browser"}}');
    await page.getByRole('button', { name: 'Match bindings' }).click();
    await eventually(() => matches.innerText()).toContain(`${G}/critical`);
    await page.getByRole('button', { name: 'Put on the bus' }).click();
    await page.getByText('Put on the bus as event').waitFor();
    await eventually(
      async () =>
        (await stack.api<{ lastFires: Array<{ firedBy: string }> }>('GET', `/hooks/${G}/critical/last-fires`))
          .body.lastFires[0]?.firedBy,
    ).toBe('event');
  });

  it('draws the next 24 hours of scheduled fires', async () => {
    await go('/schedules');
    await page.getByRole('list', { name: 'Fires in the next 24 hours' }).waitFor();
    expect(await page.locator('.lane .fire').count()).toBeGreaterThanOrEqual(12);
    await screenshot('schedules');
  });

  let narrowToken = '';
  it('creates a client and shows its token once', async () => {
    await go('/admin');
    const form = page.getByRole('form', { name: 'New client' });
    await form.getByLabel(/^Client id/).fill('narrow');
    await form.getByLabel(/^Scopes/).fill('hooks:list-hooks:*');
    await form.getByRole('button', { name: 'Create client' }).click();
    narrowToken = (await page.getByTestId('new-token').innerText()).trim();
    expect(narrowToken.length).toBeGreaterThan(20);
    await page.locator('[data-client="narrow"]').waitFor();
    await screenshot('admin');
    await page.getByRole('button', { name: 'I have kept it' }).click();
    await go('/admin');
    await page.locator('[data-client="narrow"]').waitFor();
    expect(await page.content()).not.toContain(narrowToken);
  });

  it('shows a narrow client which scope it lacks (403)', async () => {
    const runId = await fire('greet', { name: 'x' });
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await narrow.newPage();
    const refusals: string[] = [];
    phone.on('console', (message) => {
      if (message.type() !== 'error') return;
      // The browser logs each refused request; the refusals are what this test is about.
      if (/status of 403/.test(message.text())) refusals.push(message.text());
      else consoleErrors.push(`narrow: ${message.text()}`);
    });
    await phone.goto(`${baseUrl}/sign-in?next=/runs/${runId}`);
    await phone.getByLabel('Client id').fill('narrow');
    await phone.getByLabel('Access token').fill(narrowToken);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    const alert = phone.getByRole('alert');
    await alert.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await alert.innerText()).toContain(`hooks:get-run:${G}/greet`);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'forbidden-phone.png'), fullPage: true });
    await phone.goto(`${baseUrl}/hooks`);
    await phone.getByRole('link', { name: 'Greet someone' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'hooks-phone.png'), fullPage: true });
    expect(refusals.length).toBeGreaterThan(0);
    await narrow.close();
    await stack.waitForRunFinished(runId);
  });

  it('logged no console errors on any screen', () => {
    expect(consoleErrors).toEqual([]);
  });
});
