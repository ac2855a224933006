import type { LabelTask } from '../corpus/labels.js';
import { describeLabel, labelPrediction, type LabelInfo } from './labels-info.js';
import type { LabelPrediction, Prediction, PredictOptions } from './model.js';

/**
 * Turns probability rows into `Prediction`s for backends that have no reasons to give (ONNX,
 * LLM, ensembles): top-k for single-label tasks, labels above threshold for multi-label ones.
 */
export class PredictionBuilder {
  private readonly described: LabelInfo[];

  constructor(
    readonly labels: readonly string[],
    readonly task: LabelTask,
    private readonly thresholds: Float32Array | null = null,
  ) {
    this.described = labels.map((l) => describeLabel(l, task));
  }

  /** Row `i` of an n × C matrix. */
  fromRow(proba: Float32Array, i: number, options: PredictOptions = {}): Prediction {
    const C = this.labels.length;
    const p = proba.subarray(i * C, (i + 1) * C);
    const order = Array.from({ length: C }, (_, c) => c).sort((a, b) => p[b]! - p[a]! || a - b);
    const k = Math.max(1, Math.min(options.k ?? 5, C));
    let chosen: number[];
    if (this.task === 'multilabel') {
      chosen = order.filter((c) => p[c]! >= (options.threshold ?? this.thresholds?.[c] ?? 0.5)).slice(0, k);
      if (chosen.length === 0) chosen = [order[0]!];
    } else chosen = order.slice(0, k);
    const labels: LabelPrediction[] = chosen.map((c) => labelPrediction(this.described[c]!, p[c]!));
    return { labels, groups: this.groups(p) };
  }

  fromMatrix(proba: Float32Array, n: number, options: PredictOptions = {}): Prediction[] {
    return Array.from({ length: n }, (_, i) => this.fromRow(proba, i, options));
  }

  /** Softmax mass summed per group; for multi-label, the max per group (as LinearModel does). */
  private groups(p: Float32Array): Prediction['groups'] {
    const mass = new Map<string, { name: string; probability: number }>();
    for (let c = 0; c < this.labels.length; c++) {
      const d = this.described[c]!;
      const m = mass.get(d.group) ?? { name: d.groupName, probability: 0 };
      m.probability = this.task === 'multilabel' ? Math.max(m.probability, p[c]!) : m.probability + p[c]!;
      mass.set(d.group, m);
    }
    return [...mass.entries()].map(([code, m]) => ({ code, name: m.name, probability: m.probability })).sort((a, b) => b.probability - a.probability);
  }
}
