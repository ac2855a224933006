import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SpilledLines } from '../../src/corpus/spilled-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-spill-'));
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('SpilledLines reads back every line, staged, flushed or bigger than the staging buffer, and removes its file', async () => {
  const s = new SpilledLines(join(dir, 'spill.tmp'));
  const big = 'x'.repeat((1 << 20) + 5);
  const lines = ['first', 'Müller’s 𝔽', big, ...Array.from({ length: 3000 }, (_, i) => `line ${i} `.repeat(60))];
  for (const [i, l] of lines.entries()) assert.equal(await s.add(bytes(l)), i);
  assert.equal(s.count, lines.length);
  for (const i of [lines.length - 1, 0, 2, 1, 1500]) assert.equal(text(await s.read(i)), lines[i]);
  await assert.rejects(s.read(lines.length), RangeError);
  assert.ok(existsSync(s.path));
  await s.remove();
  assert.ok(!existsSync(s.path));
});
