import { isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { LocalInputError } from './errors.ts';

/** YAML read with its mistakes said as `file:line:column`, and the line each list item starts on. */
export interface YamlItem {
  value: unknown;
  line: number;
}

/** Every document's top-level items: a list gives its items, anything else is one item. */
export function parseYamlItems(text: string, file: string): YamlItem[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(documents)) return [];
  const items: YamlItem[] = [];
  for (const document of documents) {
    const problem = document.errors[0];
    if (problem) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      throw new LocalInputError(
        `${file}:${line}:${col}: YAML error: ${problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      );
    }
    const contents = document.contents;
    if (contents === null) continue;
    const lineOf = (node: unknown) => {
      const range = (node as { range?: [number, number, number] | null }).range;
      return range ? lineCounter.linePos(range[0]).line : 1;
    };
    const value = document.toJS() as unknown;
    if (isSeq(contents))
      (value as unknown[]).forEach((item, i) => {
        items.push({ value: item, line: lineOf(contents.items[i]) });
      });
    else items.push({ value, line: lineOf(contents) });
  }
  return items;
}

/** One YAML value (a file that holds one thing). */
export function parseYamlValue(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(documents) || documents.length === 0) return null;
  if (documents.length > 1)
    throw new LocalInputError(`${file} holds ${documents.length} YAML documents; expected one`);
  const document = documents[0]!;
  const problem = document.errors[0];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    throw new LocalInputError(
      `${file}:${line}:${col}: YAML error: ${problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  return document.toJS() as unknown;
}
