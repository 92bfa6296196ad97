import { describe, expect, it } from 'vitest';
import { BoundedText, boundText } from '../../../functions/core/outputBounds.ts';
import { textSince } from '../../../functions/core/outputWindow.ts';

describe('BoundedText', () => {
  it('keeps everything under the limit', () => {
    const t = new BoundedText(100);
    t.append('hello ');
    t.append(Buffer.from('world'));
    expect(t.toString()).toBe('hello world');
    expect(t.truncated).toBe(false);
  });

  it('keeps head and tail and says what was cut', () => {
    const t = new BoundedText(20);
    for (let i = 0; i < 100; i++) t.append(String(i % 10));
    expect(t.truncated).toBe(true);
    expect(t.totalBytes).toBe(100);
    expect(t.toString()).toBe(
      '0123456789\n…[hookline: 80 bytes cut from the middle of 100 bytes]…\n0123456789',
    );
  });

  it('handles one huge chunk', () => {
    const t = new BoundedText(10);
    t.append(`HEAD${'x'.repeat(1_000_000)}TAIL`);
    expect(t.toString()).toMatch(
      /^HEADx\n…\[hookline: 999998 bytes cut from the middle of 1000008 bytes\]…\nxTAIL$/,
    );
  });

  it('bounds complete strings', () => {
    expect(boundText('abc', 10)).toEqual({ text: 'abc', truncated: false });
    expect(boundText('a'.repeat(50), 10).truncated).toBe(true);
  });
});

describe('live output windows and reading from an offset', () => {
  it('keeps characters whole when a multi-byte character is split across chunks', () => {
    const t = new BoundedText(100);
    const bytes = Buffer.from('é€😀');
    t.append(bytes.subarray(0, 1));
    expect(t.toString()).toBe('');
    t.append(bytes.subarray(1, 4));
    expect(t.toString()).toBe('é');
    t.append(bytes.subarray(4));
    expect(t.toString()).toBe('é€😀');
    expect(t.window()).toEqual({ length: 4, headLength: 4, tailStart: 4 });
  });

  it('gives what came after an offset, across the cut, with the line that says what was cut', () => {
    const t = new BoundedText(20);
    t.append('0123456789');
    const early = t.toString();
    expect(textSince(early, t.window(), 4)).toEqual({ text: '456789', offset: 4, next: 10 });
    for (let i = 0; i < 9; i++) t.append('abcdefghij');
    const kept = t.toString();
    const window = t.window();
    expect(window).toEqual({ length: 100, headLength: 10, tailStart: 90 });
    // from inside the head: the rest of the head, the cut line, the tail
    expect(textSince(kept, window, 4).text).toBe(
      '456789\n…[hookline: 80 bytes cut from the middle of 100 bytes]…\nabcdefghij',
    );
    // from inside what was cut: the cut line and the tail
    expect(textSince(kept, window, 50).text).toBe(
      '\n…[hookline: 80 bytes cut from the middle of 100 bytes]…\nabcdefghij',
    );
    expect(textSince(kept, window, 95)).toEqual({ text: 'fghij', offset: 95, next: 100 });
    expect(textSince(kept, window, 100)).toEqual({ text: '', offset: 100, next: 100 });
    // a stream shorter than the client's offset started over (a retry): all of it again
    expect(textSince('abc', undefined, 7)).toEqual({ text: 'abc', offset: 0, next: 3 });
  });

  it('stays within the byte bound with multi-byte text', () => {
    const t = new BoundedText(64);
    for (let i = 0; i < 100; i++) t.append('€😀é');
    const [head, tail] = t.toString().split(/\n…\[hookline: .*\]…\n/);
    expect(Buffer.byteLength(head!) + Buffer.byteLength(tail!)).toBeLessThanOrEqual(64);
    expect(head!.startsWith('€😀é')).toBe(true);
    expect(t.window().length).toBe(400);
  });
});
