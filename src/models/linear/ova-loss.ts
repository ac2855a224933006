/**
 * One-vs-rest: an independent sigmoid per class, for papers with several labels (all their
 * categories). A prediction answers with the labels above their thresholds, tuned on validation.
 */
import { tuneThresholds } from './calibration.js';
import { GRADIENT_FLOOR, sigmoid, type Loss, type SgdStep, type StepInput } from './loss.js';
import { topK } from './top-k.js';

export const ONE_VS_REST: Loss = {
  name: 'ova',
  singleLabel: false,
  // One-vs-rest labels are not rivals: there is no primary for the cross-list loss to add to, and
  // sharing gradients within an archive lowered the multi-label model's micro-F1 on S2 (models/README.md).
  trained: (o) => ({ ...o, crossListLoss: 0, archiveShare: 0 }),
  sgdStep: (input) => new OneVsRestStep(input),
  // The summed binary loss is mostly the many labels a paper does not have, and says little about
  // which labels cross the thresholds: P@1 decides (TrainOptions.patience).
  stoppingScore: (valid) => valid.accuracy,
  addTemperatureNll(total, scores, o, C, inv, labelIdx, a, z) {
    for (let c = 0; c < C; c++) total = addBinaryNll(total, sigmoid(scores[o + c]! * inv), hasLabel(labelIdx, a, z, c));
    return total;
  },
  probabilities(s, C, invT) {
    for (let c = 0; c < C; c++) s[c] = sigmoid(s[c]! * invT);
  },
  addNll(total, p, C, labelIdx, a, z) {
    for (let c = 0; c < C; c++) total = addBinaryNll(total, p[c]!, hasLabel(labelIdx, a, z, c));
    return total;
  },
  thresholds(scores, temperature, labelPtr, labelIdx, C) {
    const probs = new Float32Array(scores.length);
    for (let i = 0; i < scores.length; i++) probs[i] = sigmoid(scores[i]! / temperature);
    return tuneThresholds(probs, labelPtr, labelIdx, C);
  },
  chosen(p, k, threshold, thresholds) {
    const above: number[] = [];
    for (let c = 0; c < p.length; c++) if (p[c]! >= (threshold ?? thresholds?.[c] ?? 0.5)) above.push(c);
    const chosen = above.sort((a, b) => p[b]! - p[a]! || a - b).slice(0, k);
    // Never an empty answer: the most likely label stands in.
    return chosen.length > 0 ? chosen : topK(p, 1);
  },
  groupMass(p, ofClass, mass) {
    for (let c = 0; c < ofClass.length; c++) mass[ofClass[c]!] = Math.max(mass[ofClass[c]!]!, p[c]!);
  },
};

function hasLabel(labelIdx: Int32Array, a: number, z: number, c: number): boolean {
  let y = false;
  for (let q = a; q < z; q++) if (labelIdx[q] === c) y = true;
  return y;
}

function addBinaryNll(total: number, p: number, y: boolean): number {
  return total - Math.log(Math.max(y ? p : 1 - p, 1e-12));
}

class OneVsRestStep implements SgdStep {
  loss = 0;
  private readonly grad: Float64Array;

  constructor(private readonly p: StepInput) {
    this.grad = new Float64Array(p.classes);
  }

  step(_first: number, lr: number): number {
    const { classes: C, scores, bias: b, target, active, grad: steps, classWeight } = this.p;
    const grad = this.grad;
    let loss = this.loss;
    for (let c = 0; c < C; c++) {
      const pr = sigmoid(scores[c]! + b[c]!);
      const y = target[c]!;
      loss -= Math.log(Math.max(y ? pr : 1 - pr, 1e-30));
      grad[c] = classWeight && y ? (pr - y) * classWeight[c]! : pr - y;
    }
    this.loss = loss;
    let na = 0;
    for (let c = 0; c < C; c++) {
      const g = grad[c]!;
      if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
        active[na] = c;
        steps[na] = -lr * g;
        na++;
      }
    }
    for (let q = 0; q < na; q++) b[active[q]!]! += steps[q]!;
    return na;
  }
}
