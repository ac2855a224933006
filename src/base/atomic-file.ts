/**
 * Files that appear whole or not at all: written to a hidden temp file beside the target,
 * flushed to disk, then renamed over it, so a reader never sees half a file, a failed write
 * leaves the old one in place, and a power cut can leave neither a renamed but empty file nor
 * the old file back after a rename that was reported done. Temp files
 * are named `.NAME.PID.TAG.tmp`, so the next write of NAME removes those a killed process left.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { trackTemp, untrackTemp } from './temp-files.js';

/** A fresh temp file name beside `path` for this process; `tag` tells apart several at once. */
export function tempPathBeside(path: string, tag = randomBytes(6).toString('hex')): string {
  return trackTemp(join(dirname(path), `.${basename(path)}.${process.pid}.${tag}.tmp`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temp files of `path` that processes no longer running left behind (after kill -9
 * or a power cut): they can be as large as the file itself. Best effort: a folder that cannot be
 * listed is left for the write itself to report.
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/** Flush a finished temp file to disk, then rename it over `path` (clearing stale temps of `path` first). */
export async function renameDurably(tmp: string, path: string): Promise<void> {
  const handle = await open(tmp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await removeStaleTemps(path);
  await rename(tmp, path);
  untrackTemp(tmp);
  await syncFolder(dirname(path));
}

/**
 * The rename itself is a change to the folder, which a power cut can undo until the folder is
 * flushed too. Windows cannot open a folder for that (EISDIR, EPERM): there the rename stands as
 * the file system keeps it.
 */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle.close();
  }
}

/** Write `data` to `path` atomically and durably; on failure the temp file is removed and the error passed on. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathBeside(path);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    await renameDurably(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    untrackTemp(tmp);
    throw e;
  }
}
