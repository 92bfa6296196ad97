import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type RunCursor } from '../../../functions/core/runEventCursor.ts';
import { checkRunEventsTicket, mintRunEventsTicket } from '../../../functions/core/runEventsTicket.ts';

describe('run event ids', () => {
  it('round-trip the position, and only for a run with that many steps', () => {
    const cursor: RunCursor = {
      run: 1,
      steps: [2, 1, 0],
      output: new Map([
        [0, { stdout: 40, stderr: 0 }],
        [1, { stdout: 6, stderr: 5 }],
      ]),
    };
    const id = encodeCursor(cursor);
    expect(id).toBe('55.1210.0:40:0.1:6:5');
    expect(decodeCursor(id, 3)).toEqual(cursor);
    expect(decodeCursor(id, 4)).toBeUndefined();
  });

  it('refuse ids that were not made here: a wrong sum, a bad rank, a step out of range', () => {
    expect(decodeCursor('56.1210.0:40:0.1:6:5', 3)).toBeUndefined();
    expect(decodeCursor('4.1310', 3)).toBeUndefined();
    expect(decodeCursor('9.1000.7:8:0', 3)).toBeUndefined();
    expect(decodeCursor('', 3)).toBeUndefined();
    expect(decodeCursor('x', 0)).toBeUndefined();
  });
});

describe('the run events ticket', () => {
  const key = Buffer.alloc(32, 7);
  const now = new Date('2026-11-29T12:00:00Z');

  it('is valid for its run until it expires, for no other run, and not when altered', () => {
    const { token, expires } = mintRunEventsTicket(key, 'run-a', 'alice', now);
    expect(expires).toBe('2026-11-29T12:01:00.000Z');
    expect(checkRunEventsTicket(key, token, 'run-a', new Date(now.getTime() + 59_000))).toEqual({
      ok: true,
      clientId: 'alice',
    });
    expect(checkRunEventsTicket(key, token, 'run-b', now)).toEqual({
      ok: false,
      reason: 'the ticket is for another run',
    });
    expect(checkRunEventsTicket(key, token, 'run-a', new Date(now.getTime() + 60_000))).toEqual({
      ok: false,
      reason: 'the ticket has expired',
    });
    expect(checkRunEventsTicket(Buffer.alloc(32, 8), token, 'run-a', now)).toMatchObject({ ok: false });
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ runId: 'run-b', expires: now.getTime() + 60_000 })).toString(
      'base64url',
    );
    expect(checkRunEventsTicket(key, `${forged}.${mac}`, 'run-b', now)).toMatchObject({ ok: false });
    expect(checkRunEventsTicket(key, `${payload}`, 'run-a', now)).toMatchObject({ ok: false });
  });
});
