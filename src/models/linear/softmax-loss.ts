/**
 * Softmax (multinomial logistic regression): one label per paper, the primary category or its
 * group. It may add a one-vs-rest loss over a paper's cross-lists and share gradients within an
 * archive (StepInput); the loss it reports is the softmax's alone, which early stopping compares.
 */
import { GRADIENT_FLOOR, softmaxInPlace, sigmoid, type ArchiveShare, type Loss, type SgdStep, type StepInput } from './loss.js';
import { topK } from './top-k.js';

export const SOFTMAX: Loss = {
  name: 'softmax',
  singleLabel: true,
  trained: (o) => o,
  sgdStep: (input) => new SoftmaxStep(input),
  // Log-loss is the softmax's objective; on a few thousand papers accuracy moves by a handful of
  // papers from epoch to epoch (TrainOptions.patience).
  stoppingScore: (valid) => -valid.loss,
  addTemperatureNll(total, scores, o, C, inv, labelIdx, a) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, scores[o + c]! * inv);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(scores[o + c]! * inv - max);
    return total + (max + Math.log(sum) - scores[o + labelIdx[a]!]! * inv);
  },
  probabilities(s, C, invT, priorShift) {
    if (priorShift) for (let c = 0; c < C; c++) s[c] = s[c]! * invT + priorShift[c]!;
    else for (let c = 0; c < C; c++) s[c]! *= invT;
    softmaxInPlace(s, C);
  },
  addNll: (total, p, _C, labelIdx, a) => total - Math.log(Math.max(p[labelIdx[a]!]!, 1e-12)),
  thresholds: () => null,
  chosen: (p, k) => topK(p, k),
  groupMass(p, ofClass, mass) {
    for (let c = 0; c < ofClass.length; c++) mass[ofClass[c]!]! += p[c]!;
  },
};

/**
 * After the softmax, one pass over the classes does all the rest (cross-list, archive sums; then
 * active classes and bias), in the arithmetic of the separate loops it replaced: the weights come
 * out bit for bit the same, and this per-class work was a third of SGD's time.
 */
class SoftmaxStep implements SgdStep {
  loss = 0;
  private readonly probs: Float64Array;
  private readonly grad: Float64Array;
  private readonly archiveSums: Float64Array;
  private readonly share: ArchiveShare | null;
  private readonly crossWeight: number;

  constructor(private readonly p: StepInput) {
    this.probs = new Float64Array(p.classes);
    this.grad = new Float64Array(p.classes);
    this.share = p.archiveShare;
    this.archiveSums = new Float64Array(this.share ? this.share.archives : 0);
    this.crossWeight = p.crossListBias ? p.crossListLoss : 0;
  }

  step(y: number, lr: number): number {
    const { classes: C, scores: raw, bias: b, target, active, grad: steps, classWeight, crossListBias: crossBias } = this.p;
    const { probs, grad, share, archiveSums, crossWeight } = this;
    for (let c = 0; c < C; c++) probs[c] = raw[c]! + b[c]!;
    softmaxInPlace(probs, C);
    this.loss -= Math.log(Math.max(probs[y]!, 1e-30));
    const cw = classWeight ? classWeight[y]! : 1;
    if (share) archiveSums.fill(0);
    for (let c = 0; c < C; c++) {
      let g = (probs[c]! - (c === y ? 1 : 0)) * cw;
      if (crossWeight > 0) {
        // Its own offset on each class's bias: a class is a cross-list far more often than a primary.
        const gl = crossWeight * (sigmoid(raw[c]! + b[c]! + crossBias![c]!) - target[c]!);
        g += gl;
        crossBias![c]! -= lr * gl;
      }
      grad[c] = g;
      if (share && share.of[c]! >= 0) archiveSums[share.of[c]!]! += g;
    }
    let na = 0;
    for (let c = 0; c < C; c++) {
      let g = grad[c]!;
      if (share && share.of[c]! >= 0) g += share.share * archiveSums[share.of[c]!]!;
      if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
        active[na] = c;
        steps[na] = -lr * g;
        b[c]! += steps[na]!;
        na++;
      }
    }
    return na;
  }
}
