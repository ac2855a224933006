import type { Evaluation, EvaluationDetails } from '../evaluation/evaluate.js';
import type { ModelInfo } from '../models/model.js';

/**
 * An evaluation report as one JSON document: what was evaluated, on what, the headline numbers
 * and the details the HTML and Markdown views draw. `compare` reads these back.
 */
export interface EvaluationReport {
  format: typeof REPORT_FORMAT;
  version: 1;
  createdAt: string;
  /** A short name for tables, by default the model file's base name. */
  name: string;
  model: {
    path: string;
    backend: string;
    task: string;
    classes: number;
    quantized: boolean;
    createdAt: string;
    trainingPapers: number;
  };
  data: { path: string; skipped: Record<string, number> };
  titleOnly: boolean;
  summary: Evaluation;
  details: EvaluationDetails;
}

export const REPORT_FORMAT = 'arxiv-classifier/evaluation-report';

export interface ReportSource {
  name: string;
  modelPath: string;
  info: ModelInfo;
  dataPath: string;
  skipped: Record<string, number>;
  titleOnly: boolean;
}

export function buildEvaluationReport(source: ReportSource, summary: Evaluation, details: EvaluationDetails, now = new Date()): EvaluationReport {
  return {
    format: REPORT_FORMAT,
    version: 1,
    createdAt: now.toISOString(),
    name: source.name,
    model: {
      path: source.modelPath,
      backend: source.info.backend,
      task: source.info.task,
      classes: source.info.labels.length,
      quantized: source.info.quantized,
      createdAt: source.info.createdAt,
      trainingPapers: source.info.training.papers,
    },
    data: { path: source.dataPath, skipped: source.skipped },
    titleOnly: source.titleOnly,
    summary,
    details,
  };
}

/** What `compare` needs from a file: a name and the flat headline numbers. */
export interface ComparableReport {
  name: string;
  task: string;
  summary: Record<string, number>;
  /** Per-class F1 by label, when the file has a per-class report. */
  classF1: Map<string, number> | null;
  /** The test file's name (no folders: the same file on another machine) when the report says, and its papers. */
  data: { file: string | null; n: number };
}

function fileName(path: unknown): string | null {
  return typeof path === 'string' && path ? path.replace(/^.*[\\/]/, '') : null;
}

function numbersOf(o: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/**
 * Read a report written by `evaluate --report X.json`, or the plain output of `evaluate --json`.
 * Throws an Error naming `file` and what is wrong.
 */
export function parseComparableReport(textContent: string, file: string): ComparableReport {
  let doc: unknown;
  try {
    doc = JSON.parse(textContent);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected a JSON object`);
  const o = doc as Record<string, unknown>;
  const base = file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  if (o.format === REPORT_FORMAT) {
    if (o.version !== 1) throw new Error(`${file}: report version ${String(o.version)} is not supported (this version reads 1)`);
    const summary = o.summary as Record<string, unknown> | undefined;
    if (!summary || typeof summary !== 'object' || typeof summary.n !== 'number') throw new Error(`${file}: field "summary" is missing or has no "n"`);
    const details = o.details as { classes?: { code?: unknown; f1?: unknown }[] } | undefined;
    let classF1: Map<string, number> | null = null;
    if (details && Array.isArray(details.classes)) {
      classF1 = new Map();
      for (const [i, row] of details.classes.entries()) {
        if (typeof row?.code !== 'string' || typeof row.f1 !== 'number') throw new Error(`${file}: details.classes[${i}] needs a string "code" and a number "f1"`);
        classF1.set(row.code, row.f1);
      }
    }
    const path = (o.data as { path?: unknown } | undefined)?.path;
    return { name: typeof o.name === 'string' && o.name ? o.name : base, task: String(summary.task ?? ''), summary: numbersOf(summary), classF1, data: { file: fileName(path), n: summary.n } };
  }
  if (typeof o.n === 'number' && typeof o.task === 'string') {
    const model = typeof o.model === 'string' && o.model !== 'default' ? o.model.replace(/^.*[\\/]/, '').replace(/\.axcm$/, '') : base;
    return { name: model, task: o.task, summary: numbersOf(o), classF1: null, data: { file: fileName(o.data), n: o.n } };
  }
  throw new Error(`${file}: neither an evaluation report ("format": "${REPORT_FORMAT}") nor 'evaluate --json' output (needs "n" and "task")`);
}
