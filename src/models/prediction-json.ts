import type { LabelPrediction, Prediction } from './model.js';
import { archiveOf, archiveTitle } from '../taxonomy/taxonomy.js';

/** A prediction as the HTTP API returns it: with the caller's id and the top label's archive. */
export type PredictionOutput = Prediction & { id?: string; archive?: { code: string; name: string } };

export function predictionOutput(p: Prediction, id: string | undefined): PredictionOutput {
  const out: PredictionOutput = id === undefined ? { labels: p.labels, groups: p.groups } : { id, labels: p.labels, groups: p.groups };
  // An LLM answer that named no valid category: said so, never guessed.
  if (p.unparsed !== undefined) out.unparsed = p.unparsed;
  const archive = p.labels[0] && archiveOfCode(p.labels[0].code);
  if (archive) out.archive = archive;
  return out;
}

/** A category's archive with its official name; undefined outside arXiv's taxonomy. */
export function archiveOfCode(code: string): { code: string; name: string } | undefined {
  const archive = archiveOf(code);
  const name = archiveTitle(archive);
  return name ? { code: archive, name } : undefined;
}

/**
 * One line of batch output (`classify --input`): the paper's id, its labels, its top group, and
 * the raw answer when a backend (an LLM) gave one that could not be parsed. The same text as
 * `JSON.stringify({ id, labels, group, unparsed })`, written by hand because batch classification
 * spends a fifth of its time here otherwise: each label's fixed part is serialised once per code.
 */
export function predictionLine(id: string | undefined, p: Prediction): string {
  let out = id === undefined ? '{"labels":[' : `{"id":${JSON.stringify(id)},"labels":[`;
  for (let i = 0; i < p.labels.length; i++) {
    if (i > 0) out += ',';
    out += labelJson(p.labels[i]!);
  }
  out += ']';
  const group = p.groups[0]?.code;
  if (group !== undefined) out += `,"group":${JSON.stringify(group)}`;
  if (p.unparsed !== undefined) out += `,"unparsed":${JSON.stringify(p.unparsed)}`;
  return out + '}';
}

interface Prefix {
  name: string;
  group: string;
  groupName: string;
  /** `{"code":…,"name":…,"group":…,"groupName":…,"probability":` */
  json: string;
}

const prefixes = new Map<string, Prefix>();

/** Labels come from labelPrediction (labels-info.ts), whose key order this relies on. */
function labelJson(l: LabelPrediction): string {
  if (l.reasons !== undefined || !Number.isFinite(l.probability)) return JSON.stringify(l);
  let prefix = prefixes.get(l.code);
  if (prefix === undefined || prefix.name !== l.name || prefix.group !== l.group || prefix.groupName !== l.groupName) {
    const whole = JSON.stringify({ code: l.code, name: l.name, group: l.group, groupName: l.groupName, probability: 0 });
    prefix = { name: l.name, group: l.group, groupName: l.groupName, json: whole.slice(0, whole.length - 2) };
    prefixes.set(l.code, prefix);
  }
  return `${prefix.json}${l.probability}}`;
}
