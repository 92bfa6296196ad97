import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withScopeTable } from '../functions/api/scopeTable.ts';

/**
 * `tsx scripts/scopeTable.ts --write` rewrites README.md's scope table from the endpoint declarations
 * (functions/api/scopeTable.ts); without `--write` it exits 1 when the table is out of date.
 */
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const generated = withScopeTable(readme);
if (process.argv.includes('--write')) {
  if (generated !== readme) writeFileSync(readmePath, generated);
  console.log(generated === readme ? 'README.md scope table is current' : 'README.md scope table rewritten');
} else if (generated !== readme) {
  console.error('README.md scope table is out of date: run tsx scripts/scopeTable.ts --write');
  process.exitCode = 1;
}
