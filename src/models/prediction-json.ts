import type { LabelPrediction, Prediction, Uncertainty } from './model.js';
import { archiveOf, archiveTitle } from '../taxonomy/taxonomy.js';

/**
 * The one shape of a prediction outside the process: what `classify --json` prints, each line of
 * `classify --input`, every HTTP answer (single, batch, NDJSON, file upload), the web page's JSON
 * download, and what `predictionRecord` gives library users. Keys in this order:
 *
 * - `id`: the paper's id, when its input had one; otherwise, for a paper of a file or batch,
 * - `row`: where it was in the input, numbered as skipped-row messages number it: the line a
 *   record starts on in CSV, TSV and JSON lines (a CSV's header is line 1, so its first paper is
 *   row 2, as a spreadsheet numbers it), the element from 1 in a JSON array or an API batch, the
 *   sheet row in xlsx, the row from 1 in parquet;
 * - `labels`: best first, each `{code, name, group, groupName, probability, reasons?}`;
 * - `groups`: probability mass per top-level group, best first, `{code, name, probability}`;
 * - `archive`: the top label's archive `{code, name}`, when it is in arXiv's taxonomy;
 * - `unparsed`: an excerpt of an LLM answer that named no valid category (`labels` is then empty);
 * - `uncertain`: `{reason, knownWords}` when the model should not be trusted on this text.
 *
 * Probabilities that are not finite are written as JSON writes them (`null`).
 */
export interface PredictionRecord {
  id?: string;
  row?: number;
  labels: LabelPrediction[];
  groups: Prediction['groups'];
  archive?: { code: string; name: string };
  unparsed?: string;
  uncertain?: Uncertainty;
}

/** @deprecated the name before one shape served every output; use `PredictionRecord`. */
export type PredictionOutput = PredictionRecord;

/** The record of `p` (see PredictionRecord): `row` is written only when there is no `id`. */
export function predictionRecord(p: Prediction, id?: string, row?: number): PredictionRecord {
  const out: PredictionRecord = id !== undefined ? { id, labels: p.labels, groups: p.groups } : row !== undefined ? { row, labels: p.labels, groups: p.groups } : { labels: p.labels, groups: p.groups };
  const archive = p.labels[0] && archiveOfCode(p.labels[0].code);
  if (archive) out.archive = archive;
  // An LLM answer that named no valid category: said so, never guessed.
  if (p.unparsed !== undefined) out.unparsed = p.unparsed;
  if (p.uncertain !== undefined) out.uncertain = p.uncertain;
  return out;
}

/** @deprecated use `predictionRecord`. */
export const predictionOutput = (p: Prediction, id: string | undefined): PredictionRecord => predictionRecord(p, id);

/** A category's archive with its official name; undefined outside arXiv's taxonomy. */
export function archiveOfCode(code: string): { code: string; name: string } | undefined {
  const archive = archiveOf(code);
  const name = archiveTitle(archive);
  return name ? { code: archive, name } : undefined;
}

/**
 * `JSON.stringify(predictionRecord(p, id, row))`, written by hand because batch classification
 * spends a fifth of its time here otherwise: each label's and group's fixed part, and each
 * archive, is serialised once per code. test/models/prediction-json.test.ts holds the two equal.
 */
export function predictionLine(id: string | undefined, p: Prediction, row?: number): string {
  let out = id !== undefined ? `{"id":${JSON.stringify(id)},"labels":[` : row !== undefined ? `{"row":${JSON.stringify(row)},"labels":[` : '{"labels":[';
  for (let i = 0; i < p.labels.length; i++) {
    if (i > 0) out += ',';
    out += labelJson(p.labels[i]!);
  }
  out += '],"groups":[';
  for (let i = 0; i < p.groups.length; i++) {
    if (i > 0) out += ',';
    out += groupJson(p.groups[i]!);
  }
  out += ']';
  const top = p.labels[0];
  if (top) {
    let archive = archives.get(top.code);
    if (archive === undefined) {
      const a = archiveOfCode(top.code);
      archive = a ? `,"archive":${JSON.stringify(a)}` : '';
      archives.set(top.code, archive);
    }
    out += archive;
  }
  if (p.unparsed !== undefined) out += `,"unparsed":${JSON.stringify(p.unparsed)}`;
  if (p.uncertain !== undefined) out += `,"uncertain":${JSON.stringify(p.uncertain)}`;
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
/** `{"code":…,"name":…,"probability":` per group code and name. */
const groupPrefixes = new Map<string, { name: string; json: string }>();
/** `,"archive":{…}` per top label code, or '' when it has none. */
const archives = new Map<string, string>();

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

/** Groups come as `{code, name, probability}` from every backend (linear.ts, prediction.ts), the order this relies on. */
function groupJson(g: Prediction['groups'][number]): string {
  if (!Number.isFinite(g.probability)) return JSON.stringify(g);
  let prefix = groupPrefixes.get(g.code);
  if (prefix === undefined || prefix.name !== g.name) {
    const whole = JSON.stringify({ code: g.code, name: g.name, probability: 0 });
    prefix = { name: g.name, json: whole.slice(0, whole.length - 2) };
    groupPrefixes.set(g.code, prefix);
  }
  return `${prefix.json}${g.probability}}`;
}
