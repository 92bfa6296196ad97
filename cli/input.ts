import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalInputError } from './errors.ts';
import { jsonErrorOffset } from './jsonErrorOffset.ts';

/** Reading what the user hands us: files (relative to the current directory), stdin, JSON text. */

export function readTextFile(file: string): string {
  const full = resolve(process.cwd(), file);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(full);
  } catch {
    throw new LocalInputError(`${file}: no such file`);
  }
  if (stat.isDirectory()) throw new LocalInputError(`${file} is a directory, not a file`);
  try {
    return readFileSync(full, 'utf8');
  } catch (error) {
    throw new LocalInputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

export function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    throw new LocalInputError(`cannot read stdin: ${(error as Error).message}`);
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** JSON text parsed, or a LocalInputError naming where (`payload:1:7: …`). */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = lineAndColumn(text, jsonErrorOffset(text));
    const why = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    throw new LocalInputError(`${where}:${at.line}:${at.column} is not valid JSON: ${why}`);
  }
}

/**
 * A JSON value given on the command line: inline JSON, `@file` (a JSON file), or `-` (stdin).
 * `what` names it in messages ("payload", "--detail").
 */
export function readJsonArgument(value: string, what: string): unknown {
  if (value === '-') return parseJson(readStdin(), `${what} (stdin)`);
  if (value.startsWith('@')) {
    const file = value.slice(1);
    return parseJson(readTextFile(file), file);
  }
  return parseJson(value, what);
}
