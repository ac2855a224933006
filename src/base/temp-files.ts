/**
 * The temporary files and folders this process has made and not yet finished with, so that an
 * interrupted command (Ctrl-C, SIGTERM) removes them on its way out: on the full snapshot a
 * training cache or a half-written corpus is gigabytes. A name is listed when it is chosen and
 * dropped once renamed into place or removed; listing one that never came to exist costs nothing.
 * (A process killed outright leaves them: the next write of the same file removes those,
 * atomic-file.ts.)
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();

export function trackTemp(path: string): string {
  live.add(path);
  return path;
}

export function untrackTemp(path: string): void {
  live.delete(path);
}

/** Remove every listed temp file or folder now, synchronously: a signal handler cannot wait. */
export function removeTempsNow(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Best effort on the way out: what cannot be removed now is removed by the next write.
    }
  }
  live.clear();
}
