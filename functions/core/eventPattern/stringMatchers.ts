import { compileLinearRegExp } from '../linearRegExp.ts';
import { EventPatternError } from './patternError.ts';

/**
 * The string operators that are more than a comparison: `equals-ignore-case` (also inside
 * `prefix`/`suffix`) and `wildcard`. Both match in time linear in the event's string.
 */
export type Anchor = 'whole' | 'prefix' | 'suffix';

/**
 * Each character of `text` matches itself, its lower case or its upper case (event-ruler's rule).
 * ASCII text is compared character by character; other text, whose cases may differ in length
 * (`ß`/`SS`), is matched by RE2 (../linearRegExp.ts), linear even unanchored (`suffix`).
 */
export function ignoreCaseMatcher(text: string, anchor: Anchor): (s: string) => boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, control characters included
  if (/^[\x00-\x7f]*$/.test(text)) return asciiIgnoreCaseMatcher(text, anchor);
  let source = '';
  for (const char of text) {
    const variants = [...new Set([char, char.toLowerCase(), char.toUpperCase()])].map(escapeRegExp);
    source += variants.length === 1 ? variants[0] : `(?:${variants.join('|')})`;
  }
  const regExp = compileLinearRegExp(
    `${anchor === 'suffix' ? '' : '^'}${source}${anchor === 'prefix' ? '' : '$'}`,
  );
  return (s) => regExp.test(s);
}

/** For ASCII, a character's variants are its lower and upper case, each one UTF-16 unit. */
function asciiIgnoreCaseMatcher(text: string, anchor: Anchor): (s: string) => boolean {
  const lower = text.toLowerCase();
  const upper = text.toUpperCase();
  const length = text.length;
  const matchesAt = (s: string, offset: number): boolean => {
    for (let i = 0; i < length; i++) {
      const c = s.charCodeAt(offset + i);
      if (c !== lower.charCodeAt(i) && c !== upper.charCodeAt(i)) return false;
    }
    return true;
  };
  if (anchor === 'whole') return (s) => s.length === length && matchesAt(s, 0);
  if (anchor === 'prefix') return (s) => s.length >= length && matchesAt(s, 0);
  return (s) => s.length >= length && matchesAt(s, s.length - length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Splits on unescaped `*`; `\*` is a literal star, `\\` a backslash; `**` and other escapes are errors. */
function parseWildcard(text: string, name: string, at: string): string[] {
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '*') {
      if (text[i + 1] === '*')
        throw new EventPatternError(at, `${name} has consecutive wildcard characters at ${i}`);
      segments.push(segment);
      segment = '';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(
          at,
          `${name} has an invalid escape at ${i} (only \\* and \\\\ are allowed)`,
        );
      }
      segment += next;
      i++;
    } else {
      segment += char;
    }
  }
  segments.push(segment);
  return segments;
}

/**
 * Glob match in linear passes: first segment is a prefix, last a suffix, the rest found in order, each
 * searched from where the previous one ended (leftmost is always right for a glob), so no backtracking.
 */
export function wildcardMatcher(text: string, name: string, at: string): (s: string) => boolean {
  const segments = parseWildcard(text, name, at);
  const first = segments[0] ?? '';
  if (segments.length === 1) return (s) => s === first;
  const last = segments[segments.length - 1] ?? '';
  const middle = segments.slice(1, -1).filter((segment) => segment !== '');
  const minLength = segments.reduce((sum, segment) => sum + segment.length, 0);
  return (s) => {
    if (s.length < minLength || !s.startsWith(first) || !s.endsWith(last)) return false;
    const end = s.length - last.length;
    let position = first.length;
    for (const segment of middle) {
      const found = s.indexOf(segment, position);
      if (found === -1 || found + segment.length > end) return false;
      position = found + segment.length;
    }
    return true;
  };
}
