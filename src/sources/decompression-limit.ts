import { DecompressionLimitError } from '../base/errors.js';

/**
 * How many bytes one input may decompress to, counted over every decompression it goes through
 * (a gzip upload, then the zip entries of the xlsx inside it, or a parquet file's pages): a few
 * hundred kilobytes can inflate to gigabytes, and a limit per layer would multiply.
 */
export class DecompressionLimit {
  private used = 0;

  /** `what` names the input in the error. */
  constructor(
    readonly maxBytes: number,
    readonly what: string,
  ) {}

  /** Bytes still allowed. */
  get remaining(): number {
    return Math.max(0, this.maxBytes - this.used);
  }

  /** Counts `bytes` more decompressed bytes; past the limit, throws before the caller keeps them. */
  count(bytes: number): void {
    this.used += bytes;
    if (this.used > this.maxBytes) throw new DecompressionLimitError(this.what, this.maxBytes);
  }
}
