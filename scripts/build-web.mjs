// Copy the web page (plain HTML, CSS and an ES module: no bundling needed) into dist/web, where
// `serve` looks first. Files other builds put there (e.g. dist/web/assets/) are left alone.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const to = join(root, 'dist', 'web');
mkdirSync(to, { recursive: true });
cpSync(join(root, 'src', 'serving', 'web'), to, { recursive: true });
