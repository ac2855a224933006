import { createHash, type Hash } from 'node:crypto';

/** A stable fingerprint of training data: the ids and labels, in order. */
export function dataHash(items: Iterable<string>): string {
  const h = new DataHasher();
  for (const s of items) h.add(s);
  return h.digest();
}

/** dataHash one item at a time, for data too big to list first. */
export class DataHasher {
  private readonly h: Hash = createHash('sha256');

  add(item: string): void {
    this.h.update(item).update('\n');
  }

  digest(): string {
    return this.h.digest('hex').slice(0, 16);
  }
}
