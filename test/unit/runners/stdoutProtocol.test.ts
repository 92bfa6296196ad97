import { describe, expect, it } from 'vitest';
import { readStdoutProtocol } from '../../../functions/runners/stdoutProtocol.ts';

/** Razor's JSON protocol on a step's stdout (functions/runners/stdoutProtocol.ts). */
describe('readStdoutProtocol', () => {
  it('reads a config change, the output and an error from one JSON object', () => {
    const stdout = JSON.stringify({
      hook: { config: { update: { count: 3 }, remove: ['old', 7] } },
      output: { built: true },
      error: { message: 'half done', code: 2 },
    });
    expect(readStdoutProtocol(`\n${stdout}\n`)).toEqual({
      configChange: { update: { count: 3 }, remove: ['old'] },
      data: { built: true },
      error: { message: 'half done', code: 2 },
    });
  });

  it('takes an error given as text', () => {
    expect(readStdoutProtocol('{"error":"disk full"}')).toEqual({ error: { message: 'disk full' } });
  });

  it('keeps output that is null or false (it was given)', () => {
    expect(readStdoutProtocol('{"output":null}')).toEqual({ data: null });
    expect(readStdoutProtocol('{"output":false}')).toEqual({ data: false });
  });

  it('ignores what is not one JSON object, and fields of the wrong shape', () => {
    for (const stdout of ['', 'hello', '[1,2]', '{"a":', '{} trailing', 'null'])
      expect(readStdoutProtocol(stdout)).toEqual({});
    expect(readStdoutProtocol('{"hook":{"config":{"update":[1],"remove":"x"}}}')).toEqual({});
    expect(readStdoutProtocol('{"error":{"code":1}}')).toEqual({});
  });
});
