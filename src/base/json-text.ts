/** JSON as files and request bodies hold it: a byte-order mark (Windows editors write one) is not part of it. */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
}
