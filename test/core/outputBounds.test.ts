import { describe, expect, it } from 'vitest';
import { BoundedText, boundText } from '../../functions/core/outputBounds.ts';

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
