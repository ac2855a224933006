/**
 * Stand-ins for src/sources/open.ts (file and stream I/O), swapped in by the browser build: the
 * page hands the parsers text it has already read, so nothing there opens a file.
 */
function nodeOnly(what: string): never {
  throw new Error(`${what} needs Node.js; in the browser, pass the file's text to ArxivClassifier.papersOfText`);
}

export const READ_CHUNK_BYTES = 1 << 20;
export async function isGzipFile(path: string): Promise<boolean> {
  return nodeOnly(`reading ${path}`);
}
// eslint-disable-next-line require-yield
export async function* openStreamBytes(_input: unknown, name: string): AsyncGenerator<never> {
  nodeOnly(`reading ${name}`);
}
// eslint-disable-next-line require-yield
export async function* openBytes(path: string): AsyncGenerator<never> {
  nodeOnly(`reading ${path}`);
}
// eslint-disable-next-line require-yield
export async function* openText(path: string): AsyncGenerator<never> {
  nodeOnly(`reading ${path}`);
}
export async function sniff(path: string): Promise<never> {
  return nodeOnly(`reading ${path}`);
}
