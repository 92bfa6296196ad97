/**
 * A min-heap of items by due time (ms), for a timer that sleeps until the earliest one: push and pop
 * are O(log n), the earliest is O(1), so the cost of waiting does not grow with the number of items.
 * Items are never updated in place: the owner pushes the new time and skips stale items as they surface.
 */
export class DueQueue<T> {
  private heap: Array<{ time: number; item: T }> = [];

  get size(): number {
    return this.heap.length;
  }

  push(time: number, item: T): void {
    const heap = this.heap;
    heap.push({ time, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.time <= time) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest item, without removing it. */
  peek(): { time: number; item: T } | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest item. */
  pop(): { time: number; item: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.time < heap[smallest]!.time) smallest = left;
      if (right < heap.length && heap[right]!.time < heap[smallest]!.time) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
    return top;
  }

  clear(): void {
    this.heap = [];
  }
}
