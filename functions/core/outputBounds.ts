/**
 * Bounded text capture: keeps the head and the tail of a stream and says what was cut,
 * so a step printing 50 MB neither exhausts memory nor bloats the store.
 */
export const DEFAULT_STREAM_LIMIT_BYTES = 64 * 1024;

export class BoundedText {
  private readonly half: number;
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(readonly limitBytes: number = DEFAULT_STREAM_LIMIT_BYTES) {
    this.half = Math.floor(limitBytes / 2);
  }

  get totalBytes(): number {
    return this.headBytes + this.tailBytes + this.dropped;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  append(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.headBytes < this.half) {
      const take = Math.min(this.half - this.headBytes, buf.length);
      this.head.push(buf.subarray(0, take));
      this.headBytes += take;
      buf = buf.subarray(take);
    }
    if (buf.length === 0) return;
    this.tail.push(buf);
    this.tailBytes += buf.length;
    const tailLimit = this.limitBytes - this.half;
    while (this.tailBytes > tailLimit && this.tail.length > 0) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The kept text; when something was cut, a line in the middle says how much. */
  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (!this.truncated) return head + tail;
    return `${head}\n…[hookline: ${this.dropped} bytes cut from the middle of ${this.totalBytes} bytes]…\n${tail}`;
  }
}

/** Bounds an already-complete string (e.g. an HTTP response body). */
export function boundText(
  text: string,
  limitBytes: number = DEFAULT_STREAM_LIMIT_BYTES,
): { text: string; truncated: boolean } {
  const bounded = new BoundedText(limitBytes);
  bounded.append(text);
  return { text: bounded.toString(), truncated: bounded.truncated };
}

/**
 * Bounds a structured result (a `lambda` step's payload): its JSON text is kept like stdout (head
 * and tail, the cut said), and the value itself only when that JSON fits whole, so a step's stored
 * output never exceeds what one store item holds.
 */
export function boundResult(
  value: unknown,
  limitBytes: number = DEFAULT_STREAM_LIMIT_BYTES,
): { text: string; truncated: boolean; data?: unknown } {
  const json = JSON.stringify(value ?? null);
  const bounded = boundText(json, limitBytes);
  return bounded.truncated ? bounded : { ...bounded, data: value };
}
