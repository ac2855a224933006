import type { PaperRecord } from '../../corpus/record.js';
import { getCategory } from '../../taxonomy/taxonomy.js';
import type { PaperText } from '../model.js';
import type { ChatMessage } from './chat-client.js';

/** Abstracts are cut here: a few sentences decide the category, and tokens cost money. */
const MAX_ABSTRACT_CHARS = 3000;

function paperMessage(paper: PaperText): string {
  const abstract = (paper.abstract ?? '').trim();
  const cut = abstract.length > MAX_ABSTRACT_CHARS ? abstract.slice(0, MAX_ABSTRACT_CHARS) + ' …' : abstract;
  return abstract ? `Title: ${paper.title.trim()}\nAbstract: ${cut}` : `Title: ${paper.title.trim()}`;
}

function answer(code: string): string {
  return JSON.stringify({ category: code, confidence: 1 });
}

/**
 * The chat for one paper: a system message listing every allowed code with its official name and
 * the exact answer format, optional worked examples as earlier turns, then the paper.
 */
export class PromptBuilder {
  private readonly system: string;

  constructor(
    readonly labels: readonly string[],
    private readonly examples: readonly { paper: PaperText; code: string }[] = [],
  ) {
    const list = labels.map((code) => `${code}: ${getCategory(code)?.name ?? code}`).join('\n');
    this.system = [
      'You classify scientific papers into the arXiv subject taxonomy.',
      'Choose the single most likely primary category of the paper from this list (code: official name):',
      list,
      '',
      'Answer with one JSON object and nothing else, for example {"category": "' + (labels[0] ?? 'cs.LG') + '", "confidence": 0.8},',
      'where category is one code from the list, exactly as written, and confidence is your probability (0 to 1) that it is right.',
    ].join('\n');
  }

  messages(paper: PaperText): ChatMessage[] {
    const out: ChatMessage[] = [{ role: 'system', content: this.system }];
    for (const e of this.examples) {
      out.push({ role: 'user', content: paperMessage(e.paper) });
      out.push({ role: 'assistant', content: answer(e.code) });
    }
    out.push({ role: 'user', content: paperMessage(paper) });
    return out;
  }
}

/**
 * Few-shot examples: the first paper of each label in label order, round after round, until
 * `count` are chosen, so the examples cover as many labels as the budget allows and the same
 * file always gives the same prompt (and so the same cache keys).
 */
export function pickExamples(papers: readonly PaperRecord[], labels: readonly string[], count: number): { paper: PaperText; code: string }[] {
  const byLabel = new Map<string, PaperRecord[]>(labels.map((l) => [l, []]));
  for (const p of papers) byLabel.get(p.primary)?.push(p);
  const out: { paper: PaperText; code: string }[] = [];
  for (let round = 0; out.length < count; round++) {
    let added = false;
    for (const l of labels) {
      const p = byLabel.get(l)![round];
      if (!p || out.length >= count) continue;
      out.push({ paper: { title: p.title, abstract: p.abstract }, code: l });
      added = true;
    }
    if (!added) break;
  }
  return out;
}
