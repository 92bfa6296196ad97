import type { StreamWindow } from './outputBounds.ts';

/**
 * Reading a step's output "from an offset": offsets count characters of the whole stream, so a client
 * that asked up to offset N asks next from N and gets exactly what came after. While nothing was cut
 * they are offsets in the kept text; once the middle is cut (functions/core/outputBounds.ts), text from
 * an offset inside the cut part starts with the line that says what was cut, then the kept tail.
 */
export interface TextSince {
  /** The text from `offset` to what has arrived so far. */
  text: string;
  /** Where `text` starts (the requested offset, or 0 when the stream started over, e.g. a retry). */
  offset: number;
  /** Where the next request continues. */
  next: number;
}

export function textSince(kept: string, window: StreamWindow | undefined, offset: number): TextSince {
  const w = window ?? { length: kept.length, headLength: kept.length, tailStart: kept.length };
  // a stream shorter than what the client saw started over (the step was retried): send it all again
  const from = offset > w.length ? 0 : offset;
  if (from === w.length) return { text: '', offset: from, next: w.length };
  const tailChars = w.length - w.tailStart;
  const tail = kept.slice(kept.length - tailChars);
  const cut = w.tailStart > w.headLength;
  let text: string;
  if (from >= w.tailStart) text = tail.slice(from - w.tailStart);
  else if (!cut) text = kept.slice(from);
  else {
    const markerAndTail = kept.slice(w.headLength);
    text = from < w.headLength ? kept.slice(from, w.headLength) + markerAndTail : markerAndTail;
  }
  return { text, offset: from, next: w.length };
}
