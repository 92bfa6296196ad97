import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_LIST } from '../../../functions/api/endpoints/index.ts';
import { scopeTable, TABLE_END, TABLE_START, withScopeTable } from '../../../functions/api/scopeTable.ts';

/** README.md's scope table is generated from the declarations (functions/api/scopeTable.ts). */

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe("README.md's scope table", () => {
  it('is what the declarations produce (else: tsx scripts/scopeTable.ts --write)', () => {
    expect(readme).toBe(withScopeTable(readme));
  });

  it('has a row per endpoint with its scope, or why it needs none', () => {
    const rows = scopeTable().split('\n').slice(2);
    expect(rows).toHaveLength(ENDPOINT_LIST.length);
    expect(rows).toContain(
      '| `POST /hooks/{hookGroupId}/{hookId}/trigger` (triggerHook) | `hooks:trigger-hook:<hookGroupId>/<hookId>` |',
    );
    expect(rows.find((r) => r.includes('(ping)'))).toMatch(/\| none: /);
    expect(rows.find((r) => r.includes('(runEvents)'))).toContain('`?token=` ticket');
  });

  it('replaces only what is between the markers', () => {
    const stale = `before\n${TABLE_START}\n| old | table |\n${TABLE_END}\nafter\n`;
    expect(withScopeTable(stale)).toBe(`before\n${TABLE_START}\n${scopeTable()}\n${TABLE_END}\nafter\n`);
    expect(() => withScopeTable('no markers')).toThrow(/markers/);
  });
});
