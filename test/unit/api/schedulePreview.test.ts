import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { allowAll, createApiApp } from '../../../functions/api/app.ts';
import type { Services } from '../../../functions/app/services.ts';

/** GET /api/hooks/v1/schedule-preview: the next fire times of an expression, or a 400 saying why not. */
const services = {
  clock: { now: () => new Date('2030-01-01T00:00:00Z') },
  logger: memoryLogger(),
} as unknown as Services;
const app = createApiApp(services, { authorizer: allowAll });

async function preview(query: Record<string, string>) {
  const res = await app.request(`/api/hooks/v1/schedule-preview?${new URLSearchParams(query)}`);
  return {
    status: res.status,
    body: (await res.json()) as {
      expression: string;
      canonicalExpression: string;
      timezone: string;
      times: string[];
      code: string;
      message: string;
    },
  };
}

describe('schedule preview', () => {
  const rows: Array<
    [
      string,
      Record<string, string>,
      { expression: string; canonicalExpression: string; timezone?: string; times: string[] },
    ]
  > = [
    [
      'AWS cron, UTC by default',
      { expression: 'cron(0 12 * * ? *)', from: '2030-01-01T00:00:00Z', count: '3' },
      {
        expression: 'cron(0 12 * * ? *)',
        canonicalExpression: 'cron(0 12 * * ? *)',
        times: ['2030-01-01T12:00:00.000Z', '2030-01-02T12:00:00.000Z', '2030-01-03T12:00:00.000Z'],
      },
    ],
    [
      'strictly after from',
      { expression: 'cron(0 12 * * ? *)', from: '2030-01-01T12:00:00Z', count: '1' },
      {
        expression: 'cron(0 12 * * ? *)',
        canonicalExpression: 'cron(0 12 * * ? *)',
        times: ['2030-01-02T12:00:00.000Z'],
      },
    ],
    [
      'Unix cron in a time zone, over a weekend',
      {
        expression: '*/15 9-17 * * 1-5',
        timezone: 'Europe/Berlin',
        from: '2030-01-04T16:50:00Z',
        count: '3',
      },
      {
        expression: '*/15 9-17 * * 1-5',
        canonicalExpression: '*/15 9-17 * * 1-5',
        timezone: 'Europe/Berlin',
        times: ['2030-01-07T08:00:00.000Z', '2030-01-07T08:15:00.000Z', '2030-01-07T08:30:00.000Z'],
      },
    ],
    [
      "Taskcluster's 6-field form, normalised",
      { expression: '0 0 12 * * *', from: '2030-01-01T00:00:00Z', count: '1' },
      { expression: '0 0 12 * * *', canonicalExpression: '0 12 * * *', times: ['2030-01-01T12:00:00.000Z'] },
    ],
    [
      'rate(...) on the minute grid of from',
      { expression: 'rate(1 hour)', from: '2030-01-01T10:20:30Z', count: '2' },
      {
        expression: 'rate(1 hour)',
        canonicalExpression: 'rate(1 hour)',
        times: ['2030-01-01T11:20:00.000Z', '2030-01-01T12:20:00.000Z'],
      },
    ],
    [
      'at(...) once, in its time zone',
      { expression: 'at(2030-06-01T08:00:00)', timezone: 'America/New_York', from: '2030-01-01T00:00:00Z' },
      {
        expression: 'at(2030-06-01T08:00:00)',
        canonicalExpression: 'at(2030-06-01T08:00:00)',
        timezone: 'America/New_York',
        times: ['2030-06-01T12:00:00.000Z'],
      },
    ],
    [
      'a wall-clock time skipped by DST does not fire',
      {
        expression: 'cron(30 2 * * ? *)',
        timezone: 'Europe/Berlin',
        from: '2030-03-29T12:00:00Z',
        count: '3',
      },
      {
        expression: 'cron(30 2 * * ? *)',
        canonicalExpression: 'cron(30 2 * * ? *)',
        timezone: 'Europe/Berlin',
        times: ['2030-03-30T01:30:00.000Z', '2030-04-01T00:30:00.000Z', '2030-04-02T00:30:00.000Z'],
      },
    ],
    [
      'count defaults to 5 and from to now',
      { expression: '0 * * * *' },
      {
        expression: '0 * * * *',
        canonicalExpression: '0 * * * *',
        times: ['01', '02', '03', '04', '05'].map((h) => `2030-01-01T${h}:00:00.000Z`),
      },
    ],
  ];

  it.each(rows)('%s', async (_name, query, expected) => {
    const { status, body } = await preview(query);
    expect(status).toBe(200);
    expect(body).toEqual({ timezone: 'UTC', ...expected });
  });

  it('echoes the expression exactly as given, the canonical form beside it (issue 13)', async () => {
    const { status, body } = await preview({
      expression: ' 0 30 9 * * mon ',
      from: '2030-01-01T00:00:00Z',
      count: '1',
    });
    expect(status).toBe(200);
    expect(body.expression).toBe(' 0 30 9 * * mon ');
    expect(body.canonicalExpression).toBe('30 9 * * MON');
    expect(body.times).toEqual(['2030-01-07T09:30:00.000Z']);
  });

  it('answers up to 100 times', async () => {
    const { status, body } = await preview({ expression: 'rate(1 minute)', count: '100' });
    expect(status).toBe(200);
    expect(body.times).toHaveLength(100);
  });

  const invalid: Array<[string, Record<string, string>, RegExp]> = [
    ['no expression', {}, /"expression" is required/],
    ['an invalid expression', { expression: 'cron(0 12 * * *)' }, /needs 6 fields/],
    ['an unknown form', { expression: 'every(5 minutes)' }, /unknown expression/],
    ['a bad field', { expression: '61 * * * *' }, /minute field '61'/],
    ['a bad time zone', { expression: '0 * * * *', timezone: 'Mars/Olympus' }, /IANA time zone/],
    ['a bad from', { expression: '0 * * * *', from: 'yesterday' }, /"from"/],
    ['count 0', { expression: '0 * * * *', count: '0' }, /"count" must be a whole number from 1 to 100/],
    ['count 101', { expression: '0 * * * *', count: '101' }, /"count"/],
    ['count not a number', { expression: '0 * * * *', count: 'five' }, /"count"/],
  ];

  it.each(invalid)('400 for %s, saying why', async (_name, query, message) => {
    const { status, body } = await preview(query);
    expect(status).toBe(400);
    expect(body.code).toBe('InputError');
    expect(body.message).toMatch(message);
  });
});
