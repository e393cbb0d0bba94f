// docs/server.md's cost-policy tables say what each vendor's policy table (src/vendors/<name>/policy.ts)
// does: every field once, with its owner and its page bound.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FieldRule } from '../../src/server/policy.js';
import { SERVER_VENDORS } from '../../src/server/registry.js';

const root = new URL('../..', import.meta.url).pathname;
const docs = readFileSync(join(root, 'docs/server.md'), 'utf8');
/** The docs' table for each vendor; KonPro is in HeyGen's (one table, the same fields). */
const TABLE_OF: Record<string, string> = { heygen: 'heygen', konpro: 'heygen', deepbrain: 'deepbrain', akool: 'akool' };

function documented(name: string): Map<string, Pick<FieldRule, 'owner' | 'pageMax'>> {
  const table = new RegExp(`<!-- policy:${name} -->([\\s\\S]*?)<!-- /policy -->`).exec(docs)?.[1];
  assert.ok(table, `docs/server.md has a policy:${name} table`);
  const rows = new Map<string, Pick<FieldRule, 'owner' | 'pageMax'>>();
  for (const line of table.split('\n').filter((row) => row.startsWith('| `'))) {
    const [fieldsCell, whoCell] = line.split('|').slice(1, 3).map((cell) => cell.trim());
    const upTo = /^page up to (\d+)/.exec(whoCell!);
    const rule = upTo ? { owner: 'page' as const, pageMax: Number(upTo[1]) } : { owner: whoCell as FieldRule['owner'] };
    for (const [, field] of fieldsCell!.matchAll(/`([^`]+)`/g)) {
      assert.ok(!rows.has(field!), `${field} is listed once`);
      rows.set(field!, rule);
    }
  }
  return rows;
}

test('every vendor has a documented policy table that matches its policy.ts', () => {
  assert.deepEqual(Object.keys(SERVER_VENDORS).sort(), Object.keys(TABLE_OF).sort(), 'a new vendor needs its table in docs/server.md (and here)');
  for (const [vendor, { policy }] of Object.entries(SERVER_VENDORS)) {
    const rows = documented(TABLE_OF[vendor]!);
    const fields = policy.fields as Record<string, FieldRule>;
    const actual = new Map(Object.entries(fields).map(([path, rule]) => [path, rule.pageMax === undefined ? { owner: rule.owner } : { owner: rule.owner, pageMax: rule.pageMax }]));
    assert.deepEqual(rows, actual, vendor);
  }
});
