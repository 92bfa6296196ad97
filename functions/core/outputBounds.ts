import { StringDecoder } from 'node:string_decoder';
import * as z from 'zod';

/**
 * Bounded text capture: keeps the head and the tail of a stream and says what was cut,
 * so a step printing 50 MB neither exhausts memory nor bloats the store.
 *
 * The text is kept as whole characters (bytes are decoded as they arrive, a character split
 * across two chunks waits for its rest), so what was kept at one moment is a prefix of what is
 * kept later until the tail starts rolling — the property live output offsets rely on
 * (functions/core/outputWindow.ts). The bound is in UTF-8 bytes, as stored.
 */
export const DEFAULT_STREAM_LIMIT_BYTES = 64 * 1024;

/** Where a stream's kept text stands in the whole stream (offsets in characters, UTF-16 code units). */
export const streamWindowSchema = z.strictObject({
  /** Characters the stream produced in total. */
  length: z.int(),
  /** The kept head: characters [0, headLength) of the stream. */
  headLength: z.int(),
  /** The kept tail: characters [tailStart, length); equal to headLength when nothing was cut. */
  tailStart: z.int(),
});
export type StreamWindow = z.infer<typeof streamWindowSchema>;

/** The largest prefix of `text` of at most `maxBytes` UTF-8 bytes, cut on a character boundary. */
function splitAtBytes(text: string, maxBytes: number): [string, string] {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return [text, ''];
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return [bytes.subarray(0, cut).toString('utf8'), bytes.subarray(cut).toString('utf8')];
}

export class BoundedText {
  private readonly half: number;
  private readonly decoder = new StringDecoder('utf8');
  private head = '';
  private headBytes = 0;
  private tail: string[] = [];
  private tailBytes = 0;
  private tailChars = 0;
  private droppedBytes = 0;
  private droppedChars = 0;

  constructor(readonly limitBytes: number = DEFAULT_STREAM_LIMIT_BYTES) {
    this.half = Math.floor(limitBytes / 2);
  }

  get totalBytes(): number {
    return this.headBytes + this.tailBytes + this.droppedBytes;
  }

  get truncated(): boolean {
    return this.droppedBytes > 0;
  }

  append(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return;
    if (this.headBytes < this.half && this.tailBytes === 0) {
      const [taken, rest] = splitAtBytes(text, this.half - this.headBytes);
      this.head += taken;
      this.headBytes += Buffer.byteLength(taken);
      text = rest;
      // a character that does not fit the head whole starts the tail
      if (text.length > 0) this.headBytes = Math.max(this.headBytes, this.half);
    }
    if (text.length === 0) return;
    this.tail.push(text);
    this.tailBytes += Buffer.byteLength(text);
    this.tailChars += text.length;
    const tailLimit = this.limitBytes - this.half;
    while (this.tailBytes > tailLimit && this.tail.length > 0) {
      const first = this.tail[0]!;
      const firstBytes = Buffer.byteLength(first);
      const excess = this.tailBytes - tailLimit;
      if (firstBytes <= excess) {
        this.tail.shift();
        this.drop(firstBytes, first.length);
      } else {
        let [cut, kept] = splitAtBytes(first, excess);
        if (Buffer.byteLength(cut) < excess) {
          // the cut fell inside a character: drop that whole character too
          const next = kept.codePointAt(0)!;
          const width = next > 0xffff ? 2 : 1;
          cut += kept.slice(0, width);
          kept = kept.slice(width);
        }
        this.tail[0] = kept;
        this.drop(Buffer.byteLength(cut), cut.length);
      }
    }
  }

  private drop(bytes: number, chars: number): void {
    this.tailBytes -= bytes;
    this.tailChars -= chars;
    this.droppedBytes += bytes;
    this.droppedChars += chars;
  }

  /** Where the kept text stands in the whole stream. */
  window(): StreamWindow {
    const length = this.head.length + this.droppedChars + this.tailChars;
    return { length, headLength: this.head.length, tailStart: length - this.tailChars };
  }

  /** The kept text; when something was cut, a line in the middle says how much. */
  toString(): string {
    const tail = this.tail.join('');
    if (!this.truncated) return this.head + tail;
    return `${this.head}${cutMarker(this.droppedBytes, this.totalBytes)}${tail}`;
  }
}

/** The line that stands in the kept text for what was cut from the middle of a stream. */
export function cutMarker(droppedBytes: number, totalBytes: number): string {
  return `\n…[hookline: ${droppedBytes} bytes cut from the middle of ${totalBytes} bytes]…\n`;
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
