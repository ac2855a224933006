import type { LabelSchemeJSON } from '../../corpus/labels.js';
import { FeatureCounter } from '../../text/feature-counter.js';
import { MAX_CHAR_NGRAMS, MAX_TITLE_WEIGHT, MIN_TITLE_WEIGHT, termStrings, type TermOptions } from '../../text/terms.js';
import { vectorizeTerms, Vocabulary } from '../../text/vocabulary.js';
import type { HeldOutTerms } from './held-out.js';
import { describeLabel, labelPrediction, type LabelInfo } from '../labels-info.js';
import { checkPaper, checkPapers, checkPredictOptions } from '../predict-options.js';
import { fitTemperature, validationMetrics } from './calibration.js';
import type { Loss, LossName } from './loss.js';
import { isLossName, lossFor } from './losses.js';
import type { Classifier, LabelPrediction, ModelInfo, PaperText, Prediction, PredictOptions, PriorChoice, Reason, SyncPath } from '../model.js';
import { requireTensor, ModelFileError, type ModelFileContents } from '../file/model-codec.js';
// Node-only (file I/O, hashing); the browser build swaps in stubs (scripts/build-web.ts).
import { writeModelFile } from '../file/model-file.js';
import { createMemory, WasmArena } from '../../wasm/memory.js';
import { Kernels, SparseRowScratch } from './kernels.js';
import { compactRows, quantizeRows, rowNorms, selectRows } from './quantize.js';
import { checkPriorChoice, priorName, priorShift, type ClassPriors } from '../prior.js';
import { KnownWords, type WordCounts } from '../../text/known-words.js';
import { isFunctionTerm } from '../../text/stop-words.js';
import { clearlyReadable, klDivergence, uncertaintyOf } from '../uncertainty.js';

export const LINEAR_BACKEND = 'linear';

/**
 * Most features one paper's row holds, in prediction and in training alike; a paper with more
 * keeps its first.
 */
export const ROW_CAPACITY = 1 << 14;

interface KernelState {
  kernels: Kernels;
  /** The weight rows in the kernel memory: float32 rows of C floats, or int8 rows of C bytes. */
  weights: number;
  row: SparseRowScratch;
  /** C floats of scores, padded to a multiple of 16 for the int8 kernel. */
  scores: number;
  /** A view of them (the memory never grows once the weights are in, so it stays valid). */
  scoresView: Float32Array;
}

/** Everything that defines a trained linear model apart from its numbers. */
export interface LinearModelSpec {
  info: ModelInfo;
  scheme: LabelSchemeJSON;
  loss: LossName;
  termOptions: TermOptions;
  /** Softmax temperature fitted on validation (1 = uncalibrated). */
  temperature: number;
  /** Multi-label: per-class decision thresholds tuned on validation. */
  thresholds: Float32Array | null;
  /** Softmax: added to each logit after the temperature, to assume the default class mix (prior.ts). */
  priorShift: Float32Array | null;
  /** Softmax: the class mixes a caller may choose among (prior.ts); null in files saved before there was a choice. */
  priors: ClassPriors | null;
}

/** Feature weights as float32, or as int8 rows with one scale each (a quantized file). */
export type LinearWeights = { kind: 'f32'; w: Float32Array } | { kind: 'i8'; q: Int8Array; scales: Float32Array };

/**
 * A linear classifier over TF-IDF n-gram features: multinomial logistic regression for one label
 * per paper, one-vs-rest logistic regression for several.
 */
export class LinearModel implements Classifier, SyncPath {
  readonly classes: number;
  private readonly loss: Loss;
  private readonly counter: FeatureCounter;
  private readonly rowIdx = new Int32Array(ROW_CAPACITY);
  private readonly rowVal = new Float32Array(ROW_CAPACITY);
  /** int8 models: feature values times their row's scale, what the int8 kernel multiplies by. */
  private readonly rowScaled = new Float32Array(ROW_CAPACITY);
  private readonly scores: Float64Array;
  private readonly described: LabelInfo[];
  /** Groups in first-seen order, and each class's group. */
  private readonly groupIndex: { codes: string[]; names: string[]; ofClass: Int32Array };
  private lastNnz = 0;
  private kernel: KernelState | null = null;
  /** Shifts of the priors callers asked for, by name; few distinct ones are asked for. */
  private readonly shifts = new Map<string, Float32Array | null>();
  /** Single-label models: the answer to an empty text (the base rates) under each shift. */
  private readonly baseRates = new Map<Float32Array | null, Float64Array>();
  private knownWords: KnownWords | null = null;
  /** The words of the paper being predicted, as the feature counter counted them. */
  private readonly wordCounts: WordCounts = { words: 0, functionWords: 0, content: 0, known: 0 };

  constructor(
    readonly spec: LinearModelSpec,
    readonly vocab: Vocabulary,
    readonly weights: LinearWeights,
    readonly bias: Float32Array,
  ) {
    this.classes = spec.info.labels.length;
    this.loss = lossFor(spec.loss);
    this.counter = new FeatureCounter(vocab, spec.termOptions);
    this.scores = new Float64Array(this.classes);
    this.described = spec.info.labels.map((l) => describeLabel(l, spec.info.task));
    const codes = [...new Set(this.described.map((d) => d.group))];
    this.groupIndex = {
      codes,
      names: codes.map((g) => this.described.find((d) => d.group === g)!.groupName),
      ofClass: Int32Array.from(this.described, (d) => codes.indexOf(d.group)),
    };
  }

  get info(): ModelInfo {
    return this.spec.info;
  }

  get labels(): readonly string[] {
    return this.spec.info.labels;
  }

  get scheme(): LabelSchemeJSON {
    return this.spec.scheme;
  }

  get thresholds(): Float32Array | null {
    return this.spec.thresholds ?? null;
  }

  async predictProbaAsync(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Promise<Float32Array> {
    return this.predictProba(papers, options);
  }

  /** The logit shift that assumes `choice` (the model's default when undefined). */
  shiftFor(choice: PriorChoice | undefined): Float32Array | null {
    if (choice === undefined) return this.spec.priorShift;
    if (!this.loss.singleLabel) throw new RangeError('prior applies to single-label models; a multi-label model answers by its per-label thresholds');
    const priors = this.spec.priors;
    if (!priors) throw new RangeError('this model file stores no class mixes (it was saved before priors could be chosen): retrain it to choose a prior');
    const key = priorName(checkPriorChoice(choice)) + (typeof choice === 'object' && 'shares' in choice ? JSON.stringify(choice.shares) : '');
    let shift = this.shifts.get(key);
    if (shift === undefined) {
      shift = priorShift(choice, priors, this.labels);
      if (this.shifts.size >= 64) this.shifts.clear();
      this.shifts.set(key, shift);
    }
    return shift;
  }

  async predictBatchAsync(papers: readonly PaperText[], options?: PredictOptions): Promise<Prediction[]> {
    return this.predictBatch(papers, options);
  }

  /** Vectorise one paper into the reusable row buffers; returns its number of features. */
  private vectorize(paper: PaperText): number {
    return this.counter.vectorize(paper.title ?? '', paper.abstract ?? '', this.rowIdx, this.rowVal);
  }

  /** Calibrated probabilities of one paper into `out` (length C), assuming the class mix `shift` stands for. */
  probabilities(paper: PaperText, out: Float64Array | Float32Array, shift: Float32Array | null = this.spec.priorShift): number {
    const nnz = this.rawScores(paper);
    const C = this.classes;
    const s = this.scores;
    this.loss.probabilities(s, C, 1 / this.spec.temperature, shift);
    for (let c = 0; c < C; c++) out[c] = s[c]!;
    return nnz;
  }

  /** Uncalibrated scores (bias included, no temperature) of one paper into `this.scores`. */
  private rawScores(paper: PaperText): number {
    const nnz = this.vectorize(paper);
    this.lastNnz = nnz;
    this.rawScoresOfRow(nnz);
    return nnz;
  }

  /** rawScores of the row already in rowIdx/rowVal. */
  private rawScoresOfRow(nnz: number): void {
    const C = this.classes;
    const s = this.scores;
    const k = this.kernelState();
    const raw = k.scoresView;
    raw.fill(0);
    if (this.weights.kind === 'i8') {
      const scales = this.weights.scales;
      const scaled = this.rowScaled;
      for (let j = 0; j < nnz; j++) scaled[j] = this.rowVal[j]! * scales[this.rowIdx[j]!]!;
      const nz = k.row.load(this.rowIdx, scaled, 0, nnz);
      k.kernels.scoresAddI8(k.scores, k.weights, C, C, k.row.idx, k.row.val, nz);
    } else {
      const nz = k.row.load(this.rowIdx, this.rowVal, 0, nnz);
      k.kernels.scoresAdd(k.scores, k.weights, C, C, k.row.idx, k.row.val, nz);
    }
    for (let c = 0; c < C; c++) s[c] = raw[c]! + this.bias[c]!;
  }

  /**
   * The same model with its temperature (and, multi-label, its thresholds) fitted again on
   * held-out papers and their label indices, and its validation metrics measured again: pruning
   * changes the scores, so a temperature fitted before it fits them less well.
   */
  recalibrated(held: HeldOutTerms): LinearModel {
    const n = held.ptr.length - 1;
    if (n <= 0) return this;
    const C = this.classes;
    // A label outside the model's classes would fit the temperature to nonsense, silently.
    if (held.labelPtr.length !== n + 1) throw new RangeError(`held-out labels are for ${held.labelPtr.length - 1} papers, the terms for ${n}`);
    for (const l of held.labelIdx) if (!(Number.isInteger(l) && l >= 0 && l < C)) throw new RangeError(`held-out label ${l} is not a class index of this model (0 to ${C - 1})`);
    if (held.labelIdx.length === 0) throw new RangeError('held-out papers have no labels to recalibrate on');
    const scores = new Float32Array(n * C);
    for (let i = 0; i < n; i++) {
      const a = held.ptr[i]!;
      // As training vectorised them: the same rows FeatureCounter makes from the text.
      const nnz = vectorizeTerms(this.vocab, held.hashes.subarray(a), held.tf.subarray(a), held.ptr[i + 1]! - a, this.rowIdx, this.rowVal);
      this.rawScoresOfRow(nnz);
      for (let c = 0; c < C; c++) scores[i * C + c] = this.scores[c]!;
    }
    const ptr = held.labelPtr;
    const idx = held.labelIdx;
    const loss = this.loss;
    const temperature = fitTemperature(scores, ptr, idx, C, loss);
    const thresholds = loss.thresholds(scores, temperature, ptr, idx, C) ?? this.spec.thresholds;
    const vm = validationMetrics(scores, ptr, idx, C, loss, temperature);
    const validation = { ...this.spec.info.validation, papers: n, accuracy: vm.accuracy, logLoss: vm.loss, temperature: Number(temperature.toFixed(4)) };
    return new LinearModel({ ...this.spec, info: { ...this.spec.info, validation }, temperature, thresholds }, this.vocab, this.weights, this.bias);
  }

  /**
   * The weights inside a kernel memory, copied there on first use. int8 weights stay int8 (a
   * quarter of float32's size and memory traffic); the 16 bytes after them are the slack the int8
   * kernel reads past the last row.
   */
  private kernelState(): KernelState {
    if (this.kernel) return this.kernel;
    const F = this.vocab.size;
    const C = this.classes;
    const weightBytes = this.weights.kind === 'i8' ? F * C + 16 : F * C * 4;
    const memory = createMemory({ initialBytes: weightBytes + ROW_CAPACITY * 8 + padded16(C) * 4 + 1024 });
    const arena = new WasmArena(memory);
    const weights = arena.alloc(weightBytes);
    const row = new SparseRowScratch(arena, ROW_CAPACITY);
    const scores = arena.allocF32(padded16(C));
    // Nothing allocates in this memory after this point, so views stay valid.
    if (this.weights.kind === 'f32') arena.f32(weights, F * C).set(this.weights.w);
    else new Int8Array(memory.buffer, weights, F * C).set(this.weights.q);
    this.kernel = { kernels: new Kernels(memory), weights, row, scores, scoresView: arena.f32(scores, padded16(C)) };
    return this.kernel;
  }

  predictProba(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Float32Array {
    // A blank paper has probabilities (the base rates); only one that is not a paper is refused.
    checkPapers(papers, 'shape');
    const C = this.classes;
    const shift = this.shiftFor(options?.prior);
    const out = new Float32Array(papers.length * C);
    const row = new Float64Array(C);
    for (let i = 0; i < papers.length; i++) {
      this.probabilities(papers[i]!, row, shift);
      out.set(row, i * C);
    }
    return out;
  }

  predict(paper: PaperText, options: PredictOptions = {}): Prediction {
    checkPaper(paper);
    checkPredictOptions(options);
    return this.answer(paper, options);
  }

  /** One paper's prediction, paper and options already checked. */
  private answer(paper: PaperText, options: PredictOptions): Prediction {
    const C = this.classes;
    const p = new Float64Array(C);
    const shift = this.shiftFor(options.prior);
    this.probabilities(paper, p, shift);
    const k = Math.max(1, Math.min(options.k ?? 5, C));
    const chosen = this.loss.chosen(p, k, options.threshold, this.spec.thresholds);
    const explainN = options.explain === true ? 5 : typeof options.explain === 'number' ? options.explain : 0;
    const terms = explainN > 0 ? termStrings(paper.title ?? '', paper.abstract ?? '', this.spec.termOptions) : null;
    const labels: LabelPrediction[] = chosen.map((c) => {
      const lp = labelPrediction(this.described[c]!, p[c]!);
      if (terms) lp.reasons = this.reasons(c, explainN, terms);
      return lp;
    });
    const prediction: Prediction = { labels, groups: this.groupsOf(p) };
    const uncertain = this.uncertainty(paper, p, shift);
    if (uncertain) prediction.uncertain = uncertain;
    return prediction;
  }

  /** Why this answer should not be trusted (models/uncertainty.ts), or undefined. */
  private uncertainty(paper: PaperText, p: Float64Array, shift: Float32Array | null): Prediction['uncertain'] {
    const features = this.lastNnz;
    // Read before the base rates below vectorise an empty text over them.
    const counts = this.wordCounts;
    const counted = this.counter.wordCounts(counts);
    // Multi-label answers are thresholds per label, not a distribution to compare with base rates.
    let distance = Infinity;
    if (this.loss.singleLabel) {
      let base = this.baseRates.get(shift);
      if (!base) {
        base = new Float64Array(this.classes);
        // This overwrites the row buffers: predict has read the paper's reasons from them already.
        this.probabilities({ title: '' }, base, shift);
        if (this.baseRates.size >= 64) this.baseRates.clear();
        this.baseRates.set(shift, base);
      }
      distance = klDivergence(p, base);
      if (clearlyReadable(features, distance)) return undefined;
    }
    if (counted) return uncertaintyOf(counts, distance);
    this.knownWords ??= new KnownWords(this.vocab.index);
    return uncertaintyOf(this.knownWords.count(paper.title, paper.abstract), distance);
  }

  predictBatch(papers: readonly PaperText[], options: PredictOptions = {}): Prediction[] {
    checkPapers(papers);
    checkPredictOptions(options);
    return papers.map((paper) => this.answer(paper, options));
  }

  /** Group probabilities: softmax mass summed per group; for multi-label, the max per group. */
  private groupsOf(p: Float64Array): Prediction['groups'] {
    const { codes, names, ofClass } = this.groupIndex;
    const mass = new Float64Array(codes.length);
    this.loss.groupMass(p, ofClass, mass);
    return codes.map((code, g) => ({ code, name: names[g]!, probability: mass[g]! })).sort((a, b) => b.probability - a.probability);
  }

  /** The n-grams that pushed class `c` most: weight × feature value, from the last vectorised paper. */
  private reasons(c: number, n: number, terms: Map<number, string>): Reason[] {
    const C = this.classes;
    // `probabilities` ran just before: the row buffers still hold this paper's features.
    const nnz = this.lastNnz;
    const out: Reason[] = [];
    for (let k = 0; k < nnz; k++) {
      const f = this.rowIdx[k]!;
      const w = this.weights.kind === 'f32' ? this.weights.w[f * C + c]! : this.weights.q[f * C + c]! * this.weights.scales[f]!;
      const contribution = w * this.rowVal[k]!;
      if (contribution <= 0) continue;
      const term = terms.get(this.vocab.terms[f]!);
      // "the", "for the", a number: true weights, but they say nothing about the field.
      if (term !== undefined && !isFunctionTerm(term)) out.push({ term, weight: contribution });
    }
    return out.sort((a, b) => b.weight - a.weight).slice(0, n);
  }

  /**
   * The same model keeping only the `maxFeatures` features that move scores most: a feature's
   * weight row (centred for softmax, whose output ignores a shift shared by all classes) scaled by
   * how much it weighs in the papers that have it (IDF) and by the square root of how many papers
   * have it (document frequency, recovered from the IDF). The square root rather than the count
   * itself: counting papers in full keeps common words with small weights over rarer terms that
   * decide a paper's category (models/README.md, "Why 95,000 features"). Papers are
   * L2-normalised over the kept features only.
   */
  pruned(maxFeatures: number): LinearModel {
    if (this.weights.kind !== 'f32') throw new RangeError('pruning needs float weights (prune before quantizing)');
    const F = this.vocab.size;
    if (maxFeatures >= F) return this;
    const C = this.classes;
    const w = this.loss.singleLabel ? centredRows(this.weights.w, F, C) : this.weights.w;
    const norms = rowNorms(w, F, C);
    const n = this.spec.info.training.papers;
    for (let f = 0; f < F; f++) {
      const idf = this.vocab.idf[f]!;
      const df = (1 + n) / Math.exp(idf - 1) - 1;
      norms[f] = norms[f]! * idf * Math.sqrt(Math.max(df, 1));
    }
    const kept = selectRows(norms, { maxRows: maxFeatures });
    const vocab = new Vocabulary(Uint32Array.from(kept, (f) => this.vocab.terms[f]!), Float32Array.from(kept, (f) => this.vocab.idf[f]!));
    const info = { ...this.spec.info, training: { ...this.spec.info.training, options: { ...this.spec.info.training.options, prunedTo: kept.length } } };
    return new LinearModel({ ...this.spec, info }, vocab, { kind: 'f32', w: compactRows(w, F, C, kept) }, this.bias);
  }

  toContents(quantize: boolean): ModelFileContents {
    const F = this.vocab.size;
    const C = this.classes;
    const tensors: ModelFileContents['tensors'] = {
      terms: { dtype: 'u32', shape: [F], data: this.vocab.terms },
      idf: { dtype: 'f32', shape: [F], data: this.vocab.idf },
      bias: { dtype: 'f32', shape: [C], data: this.bias },
    };
    if (this.weights.kind === 'i8') {
      tensors.weights_q = { dtype: 'i8', shape: [F, C], data: this.weights.q };
      tensors.weight_scales = { dtype: 'f32', shape: [F], data: this.weights.scales };
    } else if (quantize) {
      // Softmax ignores a shift shared by a feature's classes; centring narrows each row's range,
      // so its int8 steps get finer.
      const w = this.loss.singleLabel ? centredRows(this.weights.w, F, C) : this.weights.w;
      const { q, scales } = quantizeRows(w, F, C);
      tensors.weights_q = { dtype: 'i8', shape: [F, C], data: q };
      tensors.weight_scales = { dtype: 'f32', shape: [F], data: scales };
    } else {
      tensors.weights = { dtype: 'f32', shape: [F, C], data: this.weights.w };
    }
    if (this.spec.thresholds) tensors.thresholds = { dtype: 'f32', shape: [C], data: this.spec.thresholds };
    // Readers from before priors could be chosen still find the default's shift.
    if (this.spec.priorShift) tensors.prior_shift = { dtype: 'f32', shape: [C], data: this.spec.priorShift };
    const priors = this.spec.priors;
    if (priors) {
      tensors.prior_train = { dtype: 'f32', shape: [C], data: priors.train };
      if (priors.recent) tensors.prior_recent = { dtype: 'f32', shape: [C], data: priors.recent };
    }
    const info = { ...this.spec.info, quantized: quantize || this.weights.kind === 'i8' };
    return {
      meta: {
        backend: LINEAR_BACKEND,
        info,
        scheme: this.spec.scheme,
        loss: this.spec.loss,
        termOptions: this.spec.termOptions,
        temperature: this.spec.temperature,
        ...(priors && { priors: { recentWindow: priors.recentWindow, recentStrength: priors.recentStrength, balancedStrength: priors.balancedStrength, defaultChoice: priors.defaultChoice } }),
      } as unknown as Record<string, unknown>,
      tensors,
      // Readers from before character n-grams would compute other features and mispredict.
      formatVersion: this.spec.termOptions.charNgrams ? 2 : 1,
    };
  }

  async save(path: string, options: { quantize?: boolean } = {}): Promise<void> {
    await writeModelFile(path, this.toContents(options.quantize ?? false));
  }

  static fromContents(contents: ModelFileContents, source: string): LinearModel {
    const meta = contents.meta as unknown as Partial<LinearModelSpec> & { backend?: string };
    if (meta.backend !== LINEAR_BACKEND) throw new ModelFileError(source, 'invalid', `backend "${String(meta.backend)}" is not "${LINEAR_BACKEND}"`);
    if (!meta.info || !meta.scheme || !meta.termOptions || !meta.loss || typeof meta.temperature !== 'number') {
      throw new ModelFileError(source, 'invalid', 'metadata is missing info, scheme, termOptions, loss or temperature');
    }
    checkSpecValues(meta as Pick<LinearModelSpec, 'info' | 'loss' | 'termOptions' | 'temperature'>, source);
    const C = meta.info.labels.length;
    const terms = requireTensor(contents, 'terms', 'u32', [null], source);
    const F = terms.shape[0]!;
    const idf = requireTensor(contents, 'idf', 'f32', [F], source);
    const bias = requireTensor(contents, 'bias', 'f32', [C], source);
    let weights: LinearWeights;
    if (contents.tensors.weights_q) {
      const q = requireTensor(contents, 'weights_q', 'i8', [F, C], source);
      const scales = requireTensor(contents, 'weight_scales', 'f32', [F], source);
      weights = { kind: 'i8', q: q.data, scales: scales.data };
    } else {
      weights = { kind: 'f32', w: requireTensor(contents, 'weights', 'f32', [F, C], source).data };
    }
    const thresholds = contents.tensors.thresholds ? requireTensor(contents, 'thresholds', 'f32', [C], source).data : null;
    const priorShift = contents.tensors.prior_shift ? requireTensor(contents, 'prior_shift', 'f32', [C], source).data : null;
    if (priorShift && !lossFor(meta.loss).singleLabel) throw new ModelFileError(source, 'invalid', `a prior shift needs a softmax model, not ${meta.loss}`);
    const priors = readPriors(contents, meta as { priors?: unknown; loss: LossName }, C, source);
    // A file can pass its checksum and still hold values no trainer writes (edited by hand, or
    // by a broken tool); one NaN would turn every probability into null, and so would a finite
    // 3e38 once a score sums two of them past float32's range, so refuse both here.
    const finite: [string, Float32Array | null][] = [['idf', idf.data], ['bias', bias.data], ['thresholds', thresholds], ['prior_shift', priorShift], ['prior_train', priors?.train ?? null], ['prior_recent', priors?.recent ?? null], weights.kind === 'i8' ? ['weight_scales', weights.scales] : ['weights', weights.w]];
    for (const [name, data] of finite) {
      const at = data ? firstOutOfRange(data) : -1;
      if (at >= 0) throw new ModelFileError(source, 'invalid', `tensor ${name} holds ${data![at]} at index ${at}, not a finite number within ±${MAX_MAGNITUDE}`);
    }
    const spec: LinearModelSpec = {
      info: meta.info,
      scheme: meta.scheme,
      loss: meta.loss,
      termOptions: meta.termOptions,
      temperature: meta.temperature,
      thresholds,
      priorShift,
      priors,
    };
    return new LinearModel(spec, new Vocabulary(terms.data, idf.data), weights, bias.data);
  }
}

/** The class mixes of a file that stores them, checked; null for one saved before priors could be chosen. */
function readPriors(contents: ModelFileContents, meta: { priors?: unknown; loss: LossName }, C: number, source: string): ClassPriors | null {
  if (!contents.tensors.prior_train) return null;
  if (!lossFor(meta.loss).singleLabel) throw new ModelFileError(source, 'invalid', `class priors need a softmax model, not ${meta.loss}`);
  const m = meta.priors as Partial<ClassPriors> | undefined;
  const bad = (what: string): never => {
    throw new ModelFileError(source, 'invalid', `metadata field priors.${what}`);
  };
  if (!m || typeof m !== 'object') return bad('is missing (the file has prior_train)');
  if (!(typeof m.recentStrength === 'number' && m.recentStrength >= 0 && m.recentStrength <= 1)) bad(`recentStrength is ${JSON.stringify(m.recentStrength)}, not a number from 0 to 1`);
  if (!(typeof m.balancedStrength === 'number' && m.balancedStrength >= 0 && m.balancedStrength <= 2)) bad(`balancedStrength is ${JSON.stringify(m.balancedStrength)}, not a number from 0 to 2`);
  let defaultChoice: PriorChoice;
  try {
    defaultChoice = checkPriorChoice(m.defaultChoice);
    // Files written before `within` existed flattened every level alike.
    if (typeof defaultChoice === 'object' && 'balanced' in defaultChoice && defaultChoice.within === undefined) defaultChoice = { balanced: defaultChoice.balanced, within: defaultChoice.balanced };
  } catch (e) {
    return bad(`defaultChoice: ${(e as Error).message}`);
  }
  const train = requireTensor(contents, 'prior_train', 'f32', [C], source).data;
  const recent = contents.tensors.prior_recent ? requireTensor(contents, 'prior_recent', 'f32', [C], source).data : null;
  const window = m.recentWindow && typeof m.recentWindow === 'object' ? m.recentWindow : { skipped: 'not recorded' };
  return { train, recent, recentWindow: window, recentStrength: m.recentStrength!, balancedStrength: m.balancedStrength!, defaultChoice };
}

/** The metadata values prediction depends on, checked beyond their presence. */
function checkSpecValues(meta: Pick<LinearModelSpec, 'info' | 'loss' | 'termOptions' | 'temperature'>, source: string): void {
  const bad = (what: string): never => {
    throw new ModelFileError(source, 'invalid', `metadata field ${what}`);
  };
  const labels: unknown = meta.info.labels;
  if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string')) bad('info.labels must be a non-empty list of category codes');
  if (!isLossName(meta.loss)) bad(`loss is ${JSON.stringify(meta.loss)}, not "softmax" or "ova"`);
  if (!(meta.temperature >= MIN_TEMPERATURE && meta.temperature <= MAX_TEMPERATURE)) bad(`temperature is ${meta.temperature}, not a number from ${MIN_TEMPERATURE} to ${MAX_TEMPERATURE}`);
  const t = meta.termOptions;
  if (!(Number.isInteger(t.ngrams) && t.ngrams >= 1)) bad(`termOptions.ngrams is ${JSON.stringify(t.ngrams)}, not an integer >= 1`);
  if (!(t.titleWeight === 0 || (t.titleWeight >= MIN_TITLE_WEIGHT && t.titleWeight <= MAX_TITLE_WEIGHT))) bad(`termOptions.titleWeight is ${JSON.stringify(t.titleWeight)}, not 0 or in [${MIN_TITLE_WEIGHT}, ${MAX_TITLE_WEIGHT}]`);
  if (t.charNgrams !== undefined && !(Number.isInteger(t.charNgrams) && t.charNgrams >= 0 && t.charNgrams <= MAX_CHAR_NGRAMS)) bad(`termOptions.charNgrams is ${JSON.stringify(t.charNgrams)}, not an integer from 0 to ${MAX_CHAR_NGRAMS}`);
}

/**
 * The largest magnitude a stored value may have. Trained weights, biases and idf values are
 * tens at most; a score sums thousands of products, divided by a temperature down to
 * MIN_TEMPERATURE, and must stay far inside float32's range (3.4e38).
 */
const MAX_MAGNITUDE = 1e6;
/** Fitted temperatures lie in [0.05, 20] (calibration.ts); the bounds leave room around them. */
const MIN_TEMPERATURE = 0.01;
const MAX_TEMPERATURE = 100;

/** Index of the first NaN, infinity or value beyond ±MAX_MAGNITUDE, or -1. */
function firstOutOfRange(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!(Math.abs(data[i]!) <= MAX_MAGNITUDE)) return i;
  return -1;
}

function padded16(n: number): number {
  return (n + 15) & ~15;
}

/** Each row minus its mean. */
function centredRows(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += w[base + c]!;
    mean /= cols;
    for (let c = 0; c < cols; c++) out[base + c] = w[base + c]! - mean;
  }
  return out;
}
