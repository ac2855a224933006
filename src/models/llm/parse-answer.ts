import { CATEGORIES, resolveCode } from '../../taxonomy/taxonomy.js';

/** An answer read as one of the allowed labels, or not read at all. */
export type ParsedAnswer = { code: string; confidence: number | null } | { unparsed: string };

const CODE_FIELDS = ['category', 'label', 'code', 'primary', 'primary_category', 'answer'];
const CONFIDENCE_FIELDS = ['confidence', 'probability', 'p', 'score'];
const nameIndex = new Map(CATEGORIES.map((c) => [c.name.toLowerCase(), c.code]));

/** The allowed label a raw code stands for: itself, an alias (math.IT → cs.IT), or the same code in another case. */
function toLabel(raw: string, allowed: ReadonlySet<string>): string | undefined {
  const r = resolveCode(raw);
  if (r.kind === 'category' && allowed.has(r.code)) return r.code;
  const byName = nameIndex.get(raw.trim().toLowerCase());
  return byName !== undefined && allowed.has(byName) ? byName : undefined;
}

function confidenceOf(v: unknown): number | null {
  const x = typeof v === 'string' ? Number(v.replace(/%$/, '')) / (v.endsWith('%') ? 100 : 1) : typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(x)) return null;
  // A whole number from 2 to 100 is a percentage ("85"); 1.5 is neither a probability nor a
  // likely percentage, so it is no confidence at all rather than 1.5%.
  const p = x > 1 && x <= 100 && Number.isInteger(x) ? x / 100 : x;
  return p >= 0 && p <= 1 ? p : null;
}

function fromJson(text: string, allowed: ReadonlySet<string>): ParsedAnswer | undefined {
  // The first {...} span: models wrap JSON in prose or code fences more often than not.
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const rec = o as Record<string, unknown>;
  let named: string | undefined;
  for (const f of CODE_FIELDS) {
    const v = rec[f];
    if (typeof v !== 'string') continue;
    named ??= v;
    const code = toLabel(v, allowed);
    if (code === undefined) continue;
    const c = CONFIDENCE_FIELDS.map((k) => confidenceOf(rec[k])).find((x) => x !== null) ?? null;
    return { code, confidence: c };
  }
  // The object names its answer and it is none of the labels ("unknown"): that is the answer,
  // not an invitation to find a code elsewhere in the text (a "reason" listing candidates).
  if (named !== undefined) return { unparsed: text.trim().slice(0, 200) };
  return undefined;
}

/**
 * Read a model's answer as one allowed label: a JSON object first, then the one allowed code (or
 * alias of one) the text mentions, then a whole answer equal to an official name. Anything else,
 * including text that mentions two different codes, is `unparsed`, with an excerpt to show,
 * never a guess.
 */
export function parseAnswer(text: string, allowed: ReadonlySet<string>): ParsedAnswer {
  const json = fromJson(text, allowed);
  if (json) return json;
  const mentioned = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z][A-Za-z-]*(?:\.[A-Za-z][A-Za-z-]*)?/g)) {
    // Codes only: a one-word category name ("Logic", "Combinatorics") in prose is not an answer.
    const r = resolveCode(m[0]);
    const code = r.kind === 'category' && allowed.has(r.code) ? r.code : undefined;
    // A bare archive word (`math`, `physics`) is prose far more often than an answer.
    if (code !== undefined && (code.includes('.') || m[0] === code)) mentioned.add(code);
  }
  if (mentioned.size === 1) return { code: [...mentioned][0]!, confidence: null };
  if (mentioned.size > 1) return { unparsed: text.trim().slice(0, 200) };
  const whole = text.trim().replace(/^["'`]+|["'`.]+$/g, '');
  const byName = toLabel(whole, allowed);
  if (byName !== undefined) return { code: byName, confidence: null };
  return { unparsed: text.trim().slice(0, 200) };
}
