import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PythonLiteralError, parsePythonLiteral } from '../../src/sources/python-literal.js';

test('parsePythonLiteral: Kaggle tag list of dicts and Keras terms list', () => {
  assert.deepEqual(
    parsePythonLiteral(
      "[{'term': 'cs.AI', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'cs.LG', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}]",
    ),
    [
      { term: 'cs.AI', scheme: 'http://arxiv.org/schemas/atom', label: null },
      { term: 'cs.LG', scheme: 'http://arxiv.org/schemas/atom', label: null },
    ],
  );
  assert.deepEqual(parsePythonLiteral("['cs.CV', 'cs.LG']"), ['cs.CV', 'cs.LG']);
  assert.deepEqual(parsePythonLiteral('["cs.CV", \'cs.LG\',]'), ['cs.CV', 'cs.LG']);
  assert.deepEqual(parsePythonLiteral('[]'), []);
});

test('parsePythonLiteral: scalars, tuples, sets, nesting, whitespace', () => {
  assert.equal(parsePythonLiteral(' True '), true);
  assert.equal(parsePythonLiteral('False'), false);
  assert.equal(parsePythonLiteral('None'), null);
  assert.equal(parsePythonLiteral('42'), 42);
  assert.equal(parsePythonLiteral('-3.5e2'), -350);
  assert.equal(parsePythonLiteral('1_000'), 1000);
  assert.equal(parsePythonLiteral('0x1F'), 31);
  assert.equal(parsePythonLiteral('.5'), 0.5);
  assert.equal(parsePythonLiteral('2.'), 2);
  assert.deepEqual(parsePythonLiteral("('a', 1)"), ['a', 1]);
  assert.deepEqual(parsePythonLiteral("('a',)"), ['a']);
  assert.deepEqual(parsePythonLiteral('()'), []);
  assert.equal(parsePythonLiteral('(7)'), 7, 'parentheses without a comma are grouping, as in Python');
  assert.deepEqual(parsePythonLiteral("{'b', 'a'}"), ['b', 'a']);
  assert.deepEqual(parsePythonLiteral('{}'), {});
  assert.deepEqual(parsePythonLiteral("{1: 'one', None: [True, (2, 3)], 'k': {'n': -1}}"), {
    '1': 'one',
    None: [true, [2, 3]],
    k: { n: -1 },
  });
  assert.deepEqual(parsePythonLiteral("[\n  'a',\n  'b'\n]"), ['a', 'b']);
});

test('parsePythonLiteral: string escapes, prefixes, adjacent literals, LaTeX backslashes', () => {
  assert.equal(parsePythonLiteral("'it\\'s'"), "it's");
  assert.equal(parsePythonLiteral('"say \\"hi\\""'), 'say "hi"');
  assert.equal(parsePythonLiteral("'a\\nb\\tc\\\\d'"), 'a\nb\tc\\d');
  assert.equal(parsePythonLiteral("'\\u00e9\\x41\\U0001F600\\101'"), 'éA😀A');
  assert.equal(parsePythonLiteral("'\\alpha \\beta'"), '\x07lpha \beta', 'Python escapes \\a and \\b');
  assert.equal(parsePythonLiteral("'$\\\\alpha$ and \\d'"), '$\\alpha$ and \\d', 'unknown escapes are kept');
  assert.equal(parsePythonLiteral("u'unicode' \"and\" r'\\raw'"), 'unicodeand\\raw');
  assert.equal(parsePythonLiteral("'''triple 'quoted'\nstring'''"), "triple 'quoted'\nstring");
  assert.equal(parsePythonLiteral('"Schr\\xf6dinger\'s"'), "Schrödinger's");
});

test('parsePythonLiteral: a __proto__ key is plain data', () => {
  const v = parsePythonLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

function failsWith(text: string, pattern: RegExp, position?: number): void {
  assert.throws(
    () => parsePythonLiteral(text),
    (err: unknown) => {
      assert.ok(err instanceof PythonLiteralError, `${text}: ${String(err)}`);
      assert.match(err.message, pattern);
      assert.match(err.message, /at position \d+/);
      if (position !== undefined) assert.equal(err.position, position);
      return true;
    },
  );
}

test('parsePythonLiteral: rejects bad input with a clear message and position, never evaluates', () => {
  failsWith("['cs.AI', 'cs.LG'", /unclosed '\['/);
  failsWith("['cs.AI' 'cs.LG'", /unclosed '\['/);
  failsWith("['cs.AI', 'cs.LG]", /unterminated string/, 10);
  failsWith("[{'term': 'cs.AI' 'scheme': 1}]", /expected ',' or '}'/);
  failsWith("__import__('os').system('rm -rf /')", /unexpected name '__import__'/, 0);
  failsWith("[x for x in 'ab']", /unexpected name 'x'/, 1);
  failsWith("{'a' 1}", /expected ',' or '}'/);
  failsWith('[1, 2] junk', /after the value/, 7);
  failsWith('', /unexpected end of input/, 0);
  failsWith('-True', /sign must be followed by a number/);
  failsWith('1j', /complex/);
  failsWith("'\\x4'", /bad \\x escape/);
  failsWith("'line\nbreak'", /line break inside a string/);
  failsWith('['.repeat(1000), /nesting deeper/);
  failsWith("{['list']: 1}", /dict keys/);
});

test('parsePythonLiteral: adjacent strings concatenate, or are separate items when asked (numpy arrays)', () => {
  assert.deepEqual(parsePythonLiteral("['cs.LG' 'cs.AI']"), ['cs.LGcs.AI'], 'Python semantics by default');
  assert.equal(parsePythonLiteral("'a' \"b\" r'c'"), 'abc');
  const separate = { adjacentStrings: 'separate' } as const;
  assert.deepEqual(parsePythonLiteral("['cs.LG' 'cs.AI']", separate), ['cs.LG', 'cs.AI']);
  assert.deepEqual(parsePythonLiteral("['cs.LG'\n 'cs.AI' u'stat.ML']", separate), ['cs.LG', 'cs.AI', 'stat.ML']);
  assert.deepEqual(parsePythonLiteral("('a' 'b')", separate), ['a', 'b']);
  assert.deepEqual(parsePythonLiteral("['a', 'b']", separate), ['a', 'b']);
  // Anything else still needs its comma.
  assert.throws(() => parsePythonLiteral("['a' 1]", separate), PythonLiteralError);
  assert.throws(() => parsePythonLiteral("'a' 'b'", separate), PythonLiteralError);
});
