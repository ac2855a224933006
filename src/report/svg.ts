/**
 * Building blocks for the SVG and HTML that reports are made of: escaping and element strings.
 * Charts are rendered here, on the server, as plain markup so a report opens offline, in any
 * browser, and in places that run no script (GitHub's Markdown view, mail).
 */

/** Escape text for XML/HTML content and double-quoted attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

export type Attributes = Record<string, string | number | boolean | undefined>;

/** Round coordinates to 0.01 px: keeps files small, invisible on screen. */
function attrValue(v: string | number): string {
  if (typeof v === 'number') return String(Math.round(v * 100) / 100);
  return escapeXml(v);
}

/**
 * `<name a="…">children</name>`, or self-closing without children. Undefined and false
 * attributes are left out; `true` writes a bare attribute (HTML boolean style).
 */
export function element(name: string, attrs: Attributes = {}, children?: string): string {
  let out = '<' + name;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    out += v === true ? ` ${k}` : ` ${k}="${attrValue(v)}"`;
  }
  return children === undefined ? out + '/>' : `${out}>${children}</${name}>`;
}

/** A text node, escaped. */
export function text(attrs: Attributes, content: string): string {
  return element('text', attrs, escapeXml(content));
}
