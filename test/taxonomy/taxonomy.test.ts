import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALIASES, RETIRED } from '../../src/taxonomy/categories.js';
import { archiveOf, canonicalizeCategories, CATEGORIES, getCategory, GROUPS, groupOf, resolveCode } from '../../src/taxonomy/taxonomy.js';

const current = CATEGORIES.filter((c) => !c.archiveLevel);

test('every alias resolves to its canonical category', () => {
  assert.ok(ALIASES.length >= 6);
  for (const [alias, canonical] of ALIASES) {
    assert.deepEqual(resolveCode(alias), { kind: 'category', code: canonical, via: 'alias' }, alias);
    assert.ok(getCategory(canonical)!.aliases.includes(alias), `${canonical} lists alias ${alias}`);
    assert.equal(getCategory(alias), undefined, `${alias} is not a category of its own`);
  }
  assert.equal(resolveCode('math.IT').kind === 'category' && resolveCode('math.IT').code, 'cs.IT');
  assert.deepEqual(canonicalizeCategories(['cs.SY', 'eess.SY']).categories, ['eess.SY']);
});

test('every retired archive resolves to a current category', () => {
  for (const [old, now] of RETIRED) {
    assert.deepEqual(resolveCode(old), { kind: 'category', code: now, via: 'retired' }, old);
    assert.ok(getCategory(now) && !getCategory(now)!.archiveLevel, `${now} is a current category`);
  }
  assert.deepEqual(canonicalizeCategories(['solv-int', 'chao-dyn', 'nlin.SI']).categories, ['nlin.SI', 'nlin.CD']);
});

test('case mistakes resolve with via: case', () => {
  assert.deepEqual(resolveCode('CS.CL'), { kind: 'category', code: 'cs.CL', via: 'case' });
  assert.deepEqual(resolveCode(' hep-th '), { kind: 'category', code: 'hep-th' });
});

test('ACM and MSC codes are foreign, not unknown', () => {
  for (const code of ['I.2.7', 'H.3.3', 'F.2.2', 'D.4', 'I.2.m', 'K.6.m', 'I.m']) assert.deepEqual(resolveCode(code), { kind: 'foreign', scheme: 'acm', code });
  for (const code of ['68T05', '05C20', '35Q55', '68Txx']) assert.deepEqual(resolveCode(code), { kind: 'foreign', scheme: 'msc', code });
  const c = canonicalizeCategories(['cs.LG', 'I.2.7', '68T05', 'H.3.3', '05C20']);
  assert.deepEqual(c.categories, ['cs.LG']);
  assert.deepEqual(c.foreign, ['I.2.7', '68T05', 'H.3.3', '05C20']);
  assert.deepEqual(c.unknown, []);
});

test('unknown codes are reported', () => {
  assert.deepEqual(resolveCode('cs.XYZ'), { kind: 'unknown', code: 'cs.XYZ' });
  const c = canonicalizeCategories(['bogus', 'cs.CL', 'physics.nonsense', '']);
  assert.deepEqual(c.categories, ['cs.CL']);
  assert.deepEqual(c.unknown, ['bogus', 'physics.nonsense']);
});

test('a bare archive after one of its own categories is dropped, primary kept first', () => {
  assert.deepEqual(canonicalizeCategories(['astro-ph.CO', 'astro-ph']).categories, ['astro-ph.CO']);
  assert.deepEqual(canonicalizeCategories(['astro-ph']).categories, ['astro-ph']);
  assert.deepEqual(canonicalizeCategories(['hep-th', 'astro-ph', 'astro-ph.CO']).categories, ['hep-th', 'astro-ph.CO']);
  assert.deepEqual(canonicalizeCategories(['cs.CL', 'cs.LG', 'cs.CL']).categories, ['cs.CL', 'cs.LG']);
});

// Pre-2009 astro-ph papers list `astro-ph astro-ph.CO`: the specific category becomes the primary.
test('OAI order: a leading bare archive gives way to its own category', () => {
  assert.deepEqual(canonicalizeCategories(['astro-ph', 'astro-ph.CO']).categories, ['astro-ph.CO']);
});

test('each of the 8 groups has categories', () => {
  assert.deepEqual([...GROUPS].sort(), ['cs', 'econ', 'eess', 'math', 'physics', 'q-bio', 'q-fin', 'stat']);
  for (const g of GROUPS) assert.ok(current.some((c) => c.group === g), `group ${g} has categories`);
  assert.equal(groupOf('cond-mat.soft'), 'physics');
  assert.equal(groupOf('math-ph'), 'physics');
  assert.equal(groupOf('stat.ML'), 'stat');
  assert.equal(archiveOf('cond-mat.other'), 'cond-mat');
  assert.equal(archiveOf('hep-th'), 'hep-th');
  assert.equal(archiveOf('physics.optics'), 'physics');
});

test('category count is in the 150s (with aliases), every category named, codes unique', () => {
  // arXiv's taxonomy page lists 155 codes; 6 are aliases of another, leaving 149 classes.
  const listed = current.length + ALIASES.length;
  assert.ok(listed >= 150 && listed < 160, `got ${listed}`);
  assert.ok(current.length >= 145 && current.length < 160, `got ${current.length}`);
  const codes = new Set(CATEGORIES.map((c) => c.code));
  assert.equal(codes.size, CATEGORIES.length);
  for (const c of CATEGORIES) {
    assert.ok(c.name.trim().length > 0, `${c.code} has a name`);
    assert.ok(c.groupName.length > 0);
  }
});
