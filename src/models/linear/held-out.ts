import type { PaperText } from '../model.js';
import { TermCounter, type TermOptions } from '../../text/terms.js';

/**
 * Held-out papers as term rows (each paper's distinct term hashes and weights, as TermCounter
 * counts them) with their labels in CSR form: what recalibrating a pruned model needs, without
 * the papers' text, so that training can hand back the papers it held out of a streamed corpus.
 */
export interface HeldOutTerms {
  ptr: Int32Array;
  hashes: Uint32Array;
  tf: Float32Array;
  labelPtr: Int32Array;
  labelIdx: Int32Array;
}

/** Count held-out papers' terms (papers given in memory, such as a --valid file for quantize). */
export function heldOutTerms(papers: readonly PaperText[], labels: readonly (readonly number[])[], options: TermOptions): HeldOutTerms {
  if (labels.length !== papers.length) throw new RangeError(`labels must hold one list of label indices per paper: ${labels.length} for ${papers.length} papers`);
  for (const ls of labels) for (const l of ls) if (!Number.isInteger(l)) throw new RangeError(`a label index must be an integer, got ${l}`);
  const counter = new TermCounter(options);
  const ptr = new Int32Array(papers.length + 1);
  const parts: { hashes: Uint32Array; tf: Float32Array }[] = [];
  for (let i = 0; i < papers.length; i++) {
    const c = counter.count(papers[i]!.title ?? '', papers[i]!.abstract ?? '');
    parts.push({ hashes: c.hashes.slice(0, c.size), tf: c.tf.slice(0, c.size) });
    ptr[i + 1] = ptr[i]! + c.size;
  }
  const hashes = new Uint32Array(ptr[papers.length]!);
  const tf = new Float32Array(hashes.length);
  parts.forEach((p, i) => {
    hashes.set(p.hashes, ptr[i]!);
    tf.set(p.tf, ptr[i]!);
  });
  const labelPtr = new Int32Array(labels.length + 1);
  labels.forEach((ls, i) => (labelPtr[i + 1] = labelPtr[i]! + ls.length));
  return { ptr, hashes, tf, labelPtr, labelIdx: Int32Array.from(labels.flat()) };
}
