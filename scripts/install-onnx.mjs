// `npm run install:onnx`: installs the ONNX backend's optional packages (onnxruntime-node and
// @huggingface/tokenizers, ~290 MB) into this clone, at the versions package.json's
// peerDependencies allow, without writing package.json or the lockfile. `npm ci` leaves them out.
//
// npm never installs an optional peer dependency, even one named on the command line
// (`npm install --no-save onnxruntime-node` answers "up to date"), so they are asked for as
// dev dependencies with --save-dev, and --no-save keeps that out of package.json.
// ONNXRUNTIME_NODE_INSTALL=skip stops onnxruntime-node's install step from downloading CUDA
// providers from NuGet (package.json's allowScripts denies that step on npm 11 already).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const specs = Object.entries(pkg.peerDependencies).map(([name, range]) => `${name}@${range}`);
const args = ['install', '--no-save', '--save-dev', '--no-audit', '--no-fund', ...specs];
console.log(`npm ${args.join(' ')}`);
const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' },
});
process.exit(r.status ?? 1);
