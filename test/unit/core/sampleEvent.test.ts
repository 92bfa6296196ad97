import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../../functions/core/eventPattern/match.ts';
import { sampleEventFor } from '../../../functions/core/sampleEvent.ts';

/** An event made from a pattern's own values (functions/core/sampleEvent.ts), used to check bindings at create time. */
const now = new Date('2030-01-01T00:00:00Z');

describe('sampleEventFor', () => {
  it('fills the EventBridge envelope and takes the first value the pattern offers for each field', () => {
    const event = sampleEventFor(
      {
        source: ['shop', 'store'],
        'detail-type': [{ prefix: 'Order' }],
        detail: {
          state: [{ 'equals-ignore-case': 'PAID' }],
          file: [{ suffix: '.csv' }],
          path: [{ wildcard: 'in/*/today' }],
          total: [{ numeric: ['>', 10] }],
          flag: [true],
          gone: [null],
          nested: { level: [1] },
        },
      },
      now,
    );
    expect(event).toEqual({
      version: '0',
      id: '00000000-0000-4000-8000-000000000000',
      'detail-type': 'Order',
      source: 'shop',
      account: '000000000000',
      time: '2030-01-01T00:00:00.000Z',
      region: 'local',
      resources: [],
      detail: {
        state: 'PAID',
        file: '.csv',
        path: 'in//today',
        flag: true,
        gone: null,
        nested: { level: 1 },
      },
    });
  });

  it('leaves out fields matched only by other means, and takes the first branch of $or', () => {
    const event = sampleEventFor(
      {
        source: ['s'],
        detail: {
          $or: [{ a: ['x'] }, { b: ['y'] }],
          n: [{ numeric: ['>', 1] }],
          e: [{ exists: true }],
          ip: [{ cidr: '10.0.0.0/8' }],
          not: [{ 'anything-but': 'z' }],
        },
      },
      now,
    );
    expect(event.detail).toEqual({ a: 'x' });
  });

  it('without a detail pattern the detail is empty; the sample matches a pattern of plain values', () => {
    const pattern = { source: ['billing'], 'detail-type': ['Invoice Paid'] };
    const event = sampleEventFor(pattern, now);
    expect(event.detail).toEqual({});
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });
});
