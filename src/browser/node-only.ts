/**
 * Stand-ins for the Node-only modules the model code imports (src/models/file/model-file.ts,
 * src/models/linear/data-hash.ts), swapped in by the browser build so the bundle carries no Node APIs.
 * Nothing on the path from bytes to predictions calls them; saving or training in a page fails
 * with this message instead of a missing-module error.
 */
export * from '../models/file/model-codec.js';
import type { ModelFileContents } from '../models/file/model-codec.js';

function nodeOnly(what: string): never {
  throw new Error(`${what} needs Node.js; in the browser, load a model with ArxivClassifier.loadModelFromBytes`);
}

export async function readModelFile(path: string): Promise<ModelFileContents> {
  return nodeOnly(`reading the model file ${path}`);
}

export async function writeModelFile(path: string, _contents: ModelFileContents): Promise<void> {
  return nodeOnly(`writing the model file ${path}`);
}

export function dataHash(_items: Iterable<string>): string {
  return nodeOnly('hashing training data');
}
