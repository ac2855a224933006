/**
 * Hiding a secret (the API key) in text that may leave the process: error messages, log lines,
 * answers echoed into prediction files and HTTP responses. An endpoint may echo the key in any
 * encoding (raw, JSON-escaped, URL-encoded, base64 as in a Basic header) and may itself cut the
 * echo short, so each form is matched, and so is any prefix of the key long enough to matter.
 * Redact first, cut after: a cut made first could split the key and leave its prefix unmatched.
 */

const MARK = '[redacted]';
/** A key prefix shorter than this is left alone: `sk-` and the like tell nobody anything. */
const MIN_PREFIX = 8;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Every way one character of the key can be written in an echo, as a regular expression. */
function charPattern(ch: string): string {
  const forms: string[] = [];
  const code = ch.codePointAt(0)!;
  // JSON: \uXXXX for any character, \/ \" \\ for some, with any depth of escaping.
  if (code <= 0xffff) forms.push(`\\\\+u${code.toString(16).padStart(4, '0')}`);
  if (ch === '/' || ch === '"' || ch === '\\') forms.push(`\\\\+${escapeRegExp(ch)}`);
  // URL encoding of its UTF-8 bytes, encoded again any number of times (%252F).
  const bytes = [...new TextEncoder().encode(ch)].map((b) => `%(?:25)*${b.toString(16).padStart(2, '0')}`).join('');
  forms.push(bytes);
  if (ch === ' ') forms.push('\\+');
  // The plain character last: alternatives are tried in order, and the first that lets the rest
  // match wins, so `\\` must be tried before `\` or an escaped backslash would end the match.
  forms.push(escapeRegExp(ch));
  return `(?:${forms.join('|')})`;
}

/** The key, or any prefix of it of at least MIN_PREFIX characters, in any per-character form. */
function keyPattern(key: string): string {
  const chars = [...key].map(charPattern);
  const required = Math.min(MIN_PREFIX, chars.length);
  let tail = '';
  for (let i = chars.length - 1; i >= required; i--) tail = `(?:${chars[i]}${tail})?`;
  return chars.slice(0, required).join('') + tail;
}

/**
 * The runs of base64 characters that encode the key whatever its offset in the encoded bytes
 * (`Basic base64(user:key)`), in both alphabets: only the characters its own bits decide.
 */
function base64Forms(key: string): string[] {
  const bytes = Buffer.from(key);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const run = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (run.length < MIN_PREFIX) continue;
    forms.push(run, run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Hides one secret wherever it shows. */
export class Redactor {
  private readonly pattern: RegExp | null;

  constructor(secret: string | undefined) {
    this.pattern = secret ? new RegExp([keyPattern(secret), ...base64Forms(secret).map(escapeRegExp)].join('|'), 'gi') : null;
  }

  /** `text` with the secret replaced, then cut to `maxLength` characters when given. */
  redact(text: string, maxLength?: number): string {
    const clean = this.pattern ? text.replace(this.pattern, MARK) : text;
    return maxLength === undefined || clean.length <= maxLength ? clean : clean.slice(0, maxLength);
  }
}
