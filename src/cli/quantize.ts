import { statSync } from 'node:fs';
import { loadModel } from '../models/load-model.js';
import { intOption, parseCommandArgs, requireOption } from './args.js';
import { UsageError, UserError, type Command } from './command.js';

export const command: Command = {
  name: 'quantize',
  summary: 'Make a small copy of a model: int8 weights, optionally only its most useful features',
  usage: `Usage: arxiv-classifier quantize --model MODEL --out SMALL [--prune N] [--json]

Writes an int8 copy of a float model (about 4x smaller). With --prune, keeps only the N features
that move scores most (weight spread × IDF × document frequency); on arXiv abstracts, pruning a
150k-feature model to 80k loses nothing (see docs/benchmarks.md).

Options:
  --model MODEL   a model file with float weights
  --out FILE      where to write the small model
  --prune N       keep at most N features
  --json          machine-readable summary
  -h, --help      this help`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { model: { type: 'string' }, out: { type: 'string' }, prune: { type: 'string' }, json: { type: 'boolean' } });
    const path = requireOption(values.model, 'model');
    const out = requireOption(values.out, 'out');
    const prune = values.prune === undefined ? undefined : intOption(values.prune, 'prune', 0);
    if (prune !== undefined && prune < 1) throw new UsageError('--prune must be >= 1');
    const model = await loadModel(path);
    if (model.weights.kind !== 'f32') throw new UserError(`${path} is already quantized: quantize the float model it came from`);
    const small = prune ? model.pruned(prune) : model;
    await small.save(out, { quantize: true });
    const summary = { model: path, out, features: small.vocab.size, featuresBefore: model.vocab.size, bytes: statSync(out).size, bytesBefore: statSync(path).size };
    if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(`${out}: ${summary.features} features, ${(summary.bytes / 2 ** 20).toFixed(1)} MiB (from ${summary.featuresBefore} features, ${(summary.bytesBefore / 2 ** 20).toFixed(1)} MiB)\n`);
    return 0;
  },
};
