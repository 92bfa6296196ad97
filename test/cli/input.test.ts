import { describe, expect, it } from 'vitest';
import { parseJson } from '../../cli/input.ts';

/** JSON mistakes said with their place (cli/input.ts, cli/jsonErrorOffset.ts). */
describe('parseJson', () => {
  it('says where the JSON breaks', () => {
    expect(() => parseJson('{"a": 1,\n "b": }', 'payload')).toThrow(/^payload:2:7 is not valid JSON/);
    expect(() => parseJson('{"a":', 'payload')).toThrow(/^payload:1:6 is not valid JSON/);
    expect(() => parseJson('[1, 2,]', 'x')).toThrow(/^x:1:7 is not valid JSON: Unexpected token '\]'$/);
    expect(() => parseJson('{"a": tru}', 'x')).toThrow(/^x:1:10 /);
    expect(() => parseJson('{"a": "\\q"}', 'x')).toThrow(/^x:1:9 /);
    expect(() => parseJson('1 2', 'x')).toThrow(/^x:1:3 /);
  });
});
