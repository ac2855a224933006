import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/base/version.js';
import { buildOpenApi } from '../../src/serving/openapi.js';

test('the version the CLI and the API report is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
  assert.equal((buildOpenApi([]).info as { version: string }).version, pkg.version);
});
