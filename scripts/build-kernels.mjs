// Compile tools/kernels.wat (WebAssembly text, SIMD) into src/models/kernels-wasm.ts.
//
//   node scripts/build-kernels.mjs          write src/models/kernels-wasm.ts
//   node scripts/build-kernels.mjs --check  exit 1 if that file is out of date
//
// Two binaries come out of the one text: one importing an ordinary memory and one importing a
// shared memory (a WebAssembly module must declare which kind it imports). wabt is a
// devDependency used only here; the runtime loads the base64 constants and never needs it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watPath = join(root, 'tools', 'kernels.wat');
const outPath = join(root, 'src', 'models', 'kernels-wasm.ts');

const PLAIN_IMPORT = '(import "env" "memory" (memory 1))';
const SHARED_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

const source = readFileSync(watPath, 'utf8');
if (source.split(PLAIN_IMPORT).length !== 2) {
  console.error(`${watPath}: expected exactly one line ${PLAIN_IMPORT}`);
  process.exit(1);
}
const wabt = await initWabt();
const FEATURES = { simd: true, threads: true };

function compile(text, name) {
  const mod = wabt.parseWat(name, text, FEATURES);
  try {
    mod.resolveNames();
    mod.validate(FEATURES);
    return mod.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer;
  } finally {
    mod.destroy();
  }
}

const plain = compile(source, 'kernels.wat');
const shared = compile(source.replace(PLAIN_IMPORT, SHARED_IMPORT), 'kernels-shared.wat');
for (const [name, bytes] of [['plain', plain], ['shared', shared]]) {
  if (!WebAssembly.validate(bytes)) {
    console.error(`the ${name} module does not validate in this Node (${process.version})`);
    process.exit(1);
  }
}
const sha = createHash('sha256').update(source).digest('hex');
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
// Wrap long base64 strings so diffs and editors stay sane.
const wrap = (s) => s.match(/.{1,100}/g).map((line) => `  '${line}'`).join(' +\n');

const text = `// GENERATED FILE - do not edit. Source: tools/kernels.wat.
// Regenerate with \`node scripts/build-kernels.mjs\` (needs the wabt devDependency); the runtime
// (src/models/kernels.ts) only decodes these constants and never needs wabt.

/** sha256 of the tools/kernels.wat these binaries were built from (a test checks it is current). */
export const KERNELS_WAT_SHA256 = '${sha}';

/** The kernels module importing an ordinary (non-shared) memory as env.memory; base64. */
export const KERNELS_WASM_PLAIN =
${wrap(b64(plain))};

/** The kernels module importing a shared memory (maximum <= 65536 pages) as env.memory; base64. */
export const KERNELS_WASM_SHARED =
${wrap(b64(shared))};
`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(outPath, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    console.error(`${outPath} is out of date: run node scripts/build-kernels.mjs`);
    process.exit(1);
  }
  console.log(`${outPath} is up to date`);
} else {
  writeFileSync(outPath, text);
  console.log(`wrote ${outPath} (${plain.length} + ${shared.length} bytes of wasm)`);
}
