/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /**
   * Redraw in place (a terminal) or print a plain line every `intervalMs` (logs, CI). Default: a
   * terminal when the stream is a TTY and the CI variable is unset, as CI logs keep every '\r'.
   */
  tty?: boolean;
  /** Without a terminal: milliseconds between lines, and before the first (default 5000). */
  intervalMs?: number;
  /** What `done` counts, for the plain lines ("papers" → "1.20M papers, 40.0k papers/s"). */
  unit?: string;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
  /**
   * Without a terminal: also print a line when a phase reports nothing for `intervalMs` (a long
   * phase that counts nothing, such as choosing the vocabulary of 2.7M papers, still shows it is
   * alive). Default: on with the real clock, off with a fake one.
   */
  heartbeat?: boolean;
}

const TTY_REDRAW_MS = 100;
const DEFAULT_INTERVAL_MS = 5000;
const BAR_WIDTH = 24;

/**
 * A progress line on stderr. On a terminal it redraws in place at most every 100 ms, so it costs
 * nothing in hot loops. Elsewhere (logs, CI, pipes) it prints one plain line every few seconds
 * with the phase, the count, the rate and an ETA when the total is known: a multi-minute run on
 * the full arXiv snapshot must show in a log that it is alive and how long it has left, while a
 * short run prints nothing at all.
 */
export class Progress {
  private label: string;
  private total: number | undefined;
  private start: number;
  private last = 0;
  /** Plain lines printed in this phase: a phase that printed any gets a closing line. */
  private printed = 0;
  private lastDone = 0;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly unit: string;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastFraction: number | undefined;

  constructor(label: string, total?: number, options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? (this.stream.isTTY === true && !process.env.CI);
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.unit = options.unit ?? '';
    this.now = options.now ?? Date.now;
    this.label = label;
    this.total = total;
    this.start = this.now();
    if (!this.tty && (options.heartbeat ?? options.now === undefined)) {
      this.timer = setInterval(() => this.beat(), this.intervalMs);
      // Never what keeps a process alive.
      this.timer.unref?.();
    }
  }

  /** A plain line when nothing was printed for an interval, with what was last reported. */
  private beat(): void {
    const now = this.now();
    if (now - Math.max(this.start, this.last) < this.intervalMs) return;
    this.last = now;
    this.printed++;
    this.stream.write(this.plainLine(this.lastDone, '', this.lastFraction, now) + '\n');
  }

  /** Start the next phase of the same run (its own label, total, clock and rate). */
  phase(label: string, total?: number): void {
    this.finishPhase();
    this.label = label;
    this.total = total;
    this.start = this.now();
    this.last = 0;
    this.printed = 0;
    this.lastDone = 0;
    this.lastFraction = undefined;
  }

  /**
   * `done` items so far, of `total` when it was given. `fraction` is the share of the work done,
   * for phases counted in one unit but sized in another (papers read from a file of known size):
   * it then drives the bar and the ETA.
   */
  update(done: number, extra = '', fraction?: number): void {
    this.lastDone = done;
    const now = this.now();
    const f = fraction ?? (this.total && this.total > 0 ? Math.min(1, done / this.total) : undefined);
    this.lastFraction = f;
    if (this.tty) {
      if (now - this.last < TTY_REDRAW_MS) return;
      this.last = now;
      this.stream.write(`\r\x1b[K${this.ttyLine(done, extra, f, now)}`);
      return;
    }
    if (now - Math.max(this.start, this.last) < this.intervalMs) return;
    this.last = now;
    this.printed++;
    this.stream.write(this.plainLine(done, extra, f, now) + '\n');
  }

  done(message = ''): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty) {
      this.stream.write(`\r\x1b[K${message ? message + '\n' : ''}`);
      return;
    }
    this.finishPhase();
    if (message) this.stream.write(message + '\n');
  }

  private finishPhase(): void {
    if (this.tty) {
      this.stream.write('\r\x1b[K');
      return;
    }
    if (this.printed === 0) return;
    this.printed = 0;
    const secs = (this.now() - this.start) / 1000;
    const counted = this.lastDone > 0 ? `, ${this.count(this.lastDone)}` : '';
    this.stream.write(`${this.label}: done${counted} in ${formatDuration(secs)}${counted ? this.rate(this.lastDone, secs) : ''}\n`);
  }

  private ttyLine(done: number, extra: string, f: number | undefined, now: number): string {
    const secs = (now - this.start) / 1000;
    const counted = this.unit ? [this.count(done), extra].filter((s) => s).join(' ') : extra;
    if (f === undefined) return this.unit ? `${this.label} ${counted} ${secs.toFixed(1)}s` : `${this.label} ${formatCount(done)} ${secs.toFixed(1)}s ${extra}`;
    const filled = Math.round(f * BAR_WIDTH);
    const eta = f > 0 ? secs / f - secs : 0;
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(f * 100).toFixed(1)}% ${secs.toFixed(1)}s eta ${eta.toFixed(0)}s ${counted}`;
  }

  private plainLine(done: number, extra: string, f: number | undefined, now: number): string {
    const secs = (now - this.start) / 1000;
    const parts: string[] = [];
    // Callers that only pass messages (update(0, 'fold 2')) get no count to read past.
    if (done > 0 || this.total) parts.push(`${this.count(done)}${this.total ? ` of ${formatCount(this.total)}` : ''}${this.rate(done, secs)}`);
    if (f !== undefined) {
      parts.push(`${(f * 100).toFixed(1)}%`);
      if (f > 0) parts.push(`eta ${formatDuration(secs / f - secs)}`);
    }
    parts.push(`${formatDuration(secs)} elapsed`);
    if (extra) parts.push(extra);
    return `${this.label}: ${parts.join(', ')}`;
  }

  private count(n: number): string {
    return this.unit ? `${formatCount(n)} ${this.unit}` : formatCount(n);
  }

  private rate(n: number, secs: number): string {
    if (secs <= 0) return '';
    const r = n / secs;
    // Epochs and trials come slower than one a second.
    return `, ${r < 10 ? r.toFixed(1) : formatCount(Math.round(r))}${this.unit ? ` ${this.unit}` : ''}/s`;
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** 42s, 3m07s, 1h02m. */
export function formatDuration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
