import type { UpstreamError, UpstreamFailure } from '../base/errors.js';

/** How long after a backend failure /readyz says not ready, unless a request succeeds first. */
const FAILING_FOR_MS = 30_000;

/**
 * Whether the model backend (an LLM endpoint) is answering, as the requests that used it found:
 * /readyz turns 503 after a failure, so a load balancer sends elsewhere, and ready again after a
 * success or FAILING_FOR_MS (so traffic comes back to test it); /metrics counts the failures.
 */
export class UpstreamHealth {
  private lastFailure: { at: number; reason: string } | null = null;

  constructor(private readonly count: (failure: UpstreamFailure) => void) {}

  failed(e: UpstreamError): void {
    this.lastFailure = { at: Date.now(), reason: e.reason };
    this.count(e.failure);
  }

  succeeded(): void {
    this.lastFailure = null;
  }

  /** The last failure's reason while the backend counts as failing, else null. */
  failing(now = Date.now()): string | null {
    return this.lastFailure && now - this.lastFailure.at < FAILING_FOR_MS ? this.lastFailure.reason : null;
  }
}
