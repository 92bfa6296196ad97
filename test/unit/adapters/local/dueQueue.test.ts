import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../../../functions/adapters/local/dueQueue.ts';

describe('DueQueue (the local scheduler min-heap)', () => {
  it('pops items earliest first, whatever order they were pushed in', () => {
    const queue = new DueQueue<string>();
    // A fixed pseudo-random order (LCG), with repeated times.
    let seed = 42;
    const times = Array.from({ length: 500 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 1000;
    });
    for (const [i, time] of times.entries()) queue.push(time, `item-${i}`);
    expect(queue.size).toBe(500);
    expect(queue.peek()?.time).toBe(Math.min(...times));
    const popped: number[] = [];
    for (let item = queue.pop(); item; item = queue.pop()) popped.push(item.time);
    expect(popped).toEqual([...times].sort((a, b) => a - b));
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
  });

  it('clears', () => {
    const queue = new DueQueue<number>();
    queue.push(2, 2);
    queue.push(1, 1);
    queue.clear();
    expect(queue.peek()).toBeUndefined();
    expect(queue.size).toBe(0);
  });
});
