import { describe, expect, it } from 'vitest';
import {
  artifactDeclarationSchema,
  artifactExpiresAt,
  contentTypeOf,
  globToRegExp,
} from '../../../functions/core/artifacts.ts';
import { stepSchema } from '../../../functions/core/job.ts';

/** The rules of artifact declarations (functions/core/artifacts.ts). */
describe('artifact globs', () => {
  it.each([
    ['*.log', 'a.log', true],
    ['*.log', 'logs/a.log', false],
    ['logs/*.log', 'logs/a.log', true],
    ['logs/**/*.log', 'logs/a.log', true],
    ['logs/**/*.log', 'logs/x/y/a.log', true],
    ['**', 'any/thing', true],
    ['report-?.html', 'report-1.html', true],
    ['report-?.html', 'report-12.html', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (glob, path, matches) => {
    expect(globToRegExp(glob).test(path)).toBe(matches);
  });
});

describe('artifact declarations', () => {
  it('take a relative path inside the working directory', () => {
    expect(artifactDeclarationSchema.safeParse({ path: 'out/report.html' }).success).toBe(true);
    for (const path of ['/etc/passwd', '../x', 'a/../../x'])
      expect(artifactDeclarationSchema.safeParse({ path }).success, path).toBe(false);
  });

  it('name only a single path, with a safe name', () => {
    expect(artifactDeclarationSchema.safeParse({ path: '*.log', name: 'logs' }).success).toBe(false);
    expect(artifactDeclarationSchema.safeParse({ path: 'a', name: '../a' }).success).toBe(false);
    expect(artifactDeclarationSchema.safeParse({ path: 'a', name: 'report.v1_final-2' }).success).toBe(true);
  });

  it('belong to command steps only', () => {
    const http = stepSchema.safeParse({
      name: 'h',
      http: { url: 'https://x.example' },
      artifacts: [{ path: 'a' }],
    });
    expect(http.success).toBe(false);
    expect(JSON.stringify(http.error?.issues)).toContain('only a command step has artifacts');
  });
});

describe('artifact content types and expiry', () => {
  it('uses the declared type, else the extension, else octet-stream', () => {
    expect(contentTypeOf('r.html', undefined)).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('r.HTML', 'text/plain')).toBe('text/plain');
    expect(contentTypeOf('blob', undefined)).toBe('application/octet-stream');
  });

  it('expires with the run, or sooner, never later', () => {
    expect(artifactExpiresAt(1000, 86_400 * 10, undefined)).toBe(1000 + 86_400 * 10);
    expect(artifactExpiresAt(1000, 86_400 * 10, 2)).toBe(1000 + 86_400 * 2);
    expect(artifactExpiresAt(1000, 86_400 * 10, 30)).toBe(1000 + 86_400 * 10);
  });
});
