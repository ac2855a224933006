import { createHash } from 'node:crypto';

/** A stable fingerprint of training data: the ids and labels, in order. */
export function dataHash(items: Iterable<string>): string {
  const h = createHash('sha256');
  for (const s of items) h.update(s).update('\n');
  return h.digest('hex').slice(0, 16);
}
