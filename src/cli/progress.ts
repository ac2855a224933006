/**
 * A progress line on stderr. It draws only when stderr is a terminal, so logs and pipes stay
 * clean, and redraws at most every 100 ms so it costs nothing in hot loops.
 */
export class Progress {
  private last = 0;
  private readonly start = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total?: number,
    enabled = process.stderr.isTTY === true && !process.env.CI,
  ) {
    this.enabled = enabled;
  }

  update(done: number, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    let line: string;
    if (this.total && this.total > 0) {
      const frac = Math.min(1, done / this.total);
      const width = 24;
      const filled = Math.round(frac * width);
      const eta = frac > 0 ? secs / frac - secs : 0;
      line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${secs.toFixed(1)}s eta ${eta.toFixed(0)}s ${extra}`;
    } else {
      line = `${this.label} ${formatCount(done)} ${secs.toFixed(1)}s ${extra}`;
    }
    process.stderr.write(`\r\x1b[K${line}`);
  }

  done(message = ''): void {
    if (!this.enabled) return;
    process.stderr.write(`\r\x1b[K${message ? message + '\n' : ''}`);
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
