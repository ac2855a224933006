import { statSync } from 'node:fs';
import { labelsOf, schemeFromJSON } from '../corpus/labels.js';
import { loadPapers } from '../corpus/load.js';
import { heldOutTerms } from '../models/linear/held-out.js';
import { loadModel } from '../models/load-model.js';
import { intOption, parseCommandArgs, requireOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { emptyReport } from '../corpus/canonical.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';
import { skipSummary } from './skip-summary.js';
import { parseFormat } from './stats.js';

export const command: Command = {
  name: 'quantize',
  usage: `Usage: arxiv-classifier quantize --model MODEL --out SMALL [--prune N [--valid VALID]] [--json]

Writes an int8 copy of a float model (about 4x smaller). With --prune, keeps only the N features
that move scores most (weight spread × IDF × document frequency); on arXiv abstracts, pruning a
150k-feature model to 50k costs about 0.2 point of top-1 (see docs/benchmarks.md). Pruning changes the scores, so
its temperature (and a multi-label model's thresholds) fit them less well: --valid refits them on
labelled papers the model was not trained on (train --prune does this on its own held-out slice).

Options:
  --model MODEL   a model file with float weights
  --out FILE      where to write the small model
  --prune N       keep at most N features
  --valid FILE    with --prune: labelled papers (any format 'ingest' reads) to calibrate on again
  --format F      VALID's format; guessed from the file when absent
${columnUsage('VALID')}
  --json          machine-readable summary
  -h, --help      this help`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { model: { type: 'string' }, out: { type: 'string' }, prune: { type: 'string' }, valid: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, ...columnOptions() });
    const path = requireOption(values.model, 'model');
    const out = requireOption(values.out, 'out');
    await checkOutputFile(out, '--out', [values.valid]);
    const prune = values.prune === undefined ? undefined : intOption(values.prune, 'prune', 0);
    if (prune !== undefined && prune < 1) throw new UsageError('--prune must be >= 1');
    if (values.valid !== undefined && prune === undefined) throw new UsageError('--valid recalibrates after pruning: give --prune too');
    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    if (values.valid === undefined && (format || columns)) throw new UsageError('--format and the column flags describe --valid');
    const model = await loadModel(path);
    if (model.weights.kind !== 'f32') throw new UserError(`${path} is already quantized: quantize the float model it came from`);
    let small = prune ? model.pruned(prune) : model;
    let recalibratedOn: number | undefined;
    if (values.valid !== undefined) {
      const scheme = schemeFromJSON(model.spec.scheme);
      const report = emptyReport();
      const { papers } = await loadPapers(values.valid, { ...(format ? { format } : {}), ...(columns ? { columns } : {}), report });
      const skipped = skipSummary(report, values.valid);
      const held = papers.map((p) => ({ paper: p, labels: labelsOf(p, scheme) })).filter((x) => x.labels.length > 0);
      if (held.length === 0) throw new UserError(`${values.valid}: no paper has a label this model knows, nothing to calibrate on${skipped ? ` (${skipped})` : ''}`);
      if (skipped) process.stderr.write(skipped + '\n');
      small = small.recalibrated(
        heldOutTerms(
          held.map((x) => x.paper),
          held.map((x) => x.labels),
          small.spec.termOptions,
        ),
      );
      recalibratedOn = held.length;
    }
    await small.save(out, { quantize: true });
    const summary = {
      model: path,
      out,
      features: small.vocab.size,
      featuresBefore: model.vocab.size,
      bytes: statSync(out).size,
      bytesBefore: statSync(path).size,
      ...(recalibratedOn !== undefined ? { recalibratedOn, temperature: small.spec.temperature } : {}),
    };
    if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(`${out}: ${summary.features} features, ${(summary.bytes / 2 ** 20).toFixed(1)} MiB (from ${summary.featuresBefore} features, ${(summary.bytesBefore / 2 ** 20).toFixed(1)} MiB)\n`);
    return 0;
  },
};
