/**
 * A small subset of JSON Schema, enough for the API's request bodies. The same objects validate
 * requests and appear verbatim in /openapi.json, so the documented shape is the checked shape.
 */
export type Schema =
  | { type: 'string'; description?: string; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { type: 'integer' | 'number'; description?: string; minimum?: number; maximum?: number }
  | { type: 'boolean'; description?: string }
  | { type: 'array'; description?: string; items: Schema; minItems?: number; maxItems?: number }
  | { type: 'object'; description?: string; properties: Record<string, Schema>; required?: readonly string[]; additionalProperties?: boolean }
  | { oneOf: readonly Schema[]; description?: string };

/** One problem with a request: the field (a JSON path such as `papers[3].title`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  // JSON.parse reads 1e999 as Infinity: "got number" would contradict "expected a number".
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large to represent';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Problems of `value` against `schema`, at most `limit` of them (a 10,000-paper batch with the
 * same mistake everywhere should not produce a 10,000-line error).
 */
export function validate(schema: Schema, value: unknown, path = '', limit = 20): FieldProblem[] {
  const out: FieldProblem[] = [];
  check(schema, value, path, out, limit);
  return out;
}

function check(schema: Schema, value: unknown, path: string, out: FieldProblem[], limit: number): void {
  if (out.length >= limit) return;
  const field = path || '(body)';
  if ('oneOf' in schema) {
    for (const s of schema.oneOf) if (validate(s, value, path, 1).length === 0) return;
    // A value of the kind one branch takes is wrong the way that branch says (explain: 51 is a
    // number past the maximum, not a number where a boolean was expected).
    const sameKind = schema.oneOf.filter((s) => 'type' in s && (s.type === typeName(value) || (typeof value === 'number' && (s.type === 'integer' || s.type === 'number'))));
    if (sameKind.length === 1) {
      check(sameKind[0]!, value, path, out, limit);
      return;
    }
    const kinds = schema.oneOf.map((s) => ('type' in s ? s.type : 'value')).join(' or ');
    out.push({ field, message: `expected ${kinds}, got ${typeName(value)}` });
    return;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') {
        out.push({ field, message: `expected a string, got ${typeName(value)}` });
        return;
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) out.push({ field, message: schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters` });
      else if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push({ field, message: `must be at most ${schema.maxLength} characters (got ${value.length})` });
      else if (schema.enum && !schema.enum.includes(value)) out.push({ field, message: `must be one of ${schema.enum.join(', ')}` });
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push({ field, message: `expected ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(value)}` });
        return;
      }
      if (schema.type === 'integer' && !Number.isInteger(value)) out.push({ field, message: `expected an integer, got ${value}` });
      else if (schema.minimum !== undefined && value < schema.minimum) out.push({ field, message: `must be >= ${schema.minimum} (got ${value})` });
      else if (schema.maximum !== undefined && value > schema.maximum) out.push({ field, message: `must be <= ${schema.maximum} (got ${value})` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ field, message: `expected true or false, got ${typeName(value)}` });
      return;
    case 'array': {
      if (!Array.isArray(value)) {
        out.push({ field, message: `expected an array, got ${typeName(value)}` });
        return;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        out.push({ field, message: `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` });
        return;
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        out.push({ field, message: `must have at most ${schema.maxItems} items (got ${value.length})` });
        return;
      }
      for (let i = 0; i < value.length && out.length < limit; i++) check(schema.items, value[i], join(path, i), out, limit);
      return;
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        out.push({ field, message: `expected an object, got ${typeName(value)}` });
        return;
      }
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (obj[key] === undefined) out.push({ field: join(path, key), message: 'is required' });
      for (const [key, v] of Object.entries(obj)) {
        if (out.length >= limit) return;
        // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
        const s = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
        if (s) {
          if (v !== undefined) check(s, v, join(path, key), out, limit);
        } else if (schema.additionalProperties === false) {
          out.push({ field: join(path, key), message: `unknown field (known: ${Object.keys(schema.properties).join(', ')})` });
        }
      }
      return;
    }
  }
}
