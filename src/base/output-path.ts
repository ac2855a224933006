import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError, UserError } from './errors.js';

/**
 * Commands check where their results go before the work that makes them: otherwise a typo in
 * `--out` is found only after the whole training run or search it was meant to keep. Writing can
 * still fail later (a full disk); the writers report that themselves.
 */

/** `path` can be created or replaced as a file: its directory exists and is writable, and it is not a directory. `option` starts the message ("--out", "cannot write"). */
export async function checkOutputFile(path: string, option: string, inputs: readonly (string | undefined)[] = []): Promise<void> {
  // Written atomically over the input it would replace, the input is gone for good.
  for (const input of inputs) {
    if (input !== undefined && input !== '-' && resolve(input) === resolve(path)) throw new UsageError(`${option} ${path} is also an input of this command: writing it would destroy the papers it reads`);
  }
  const target = await statOrNull(path);
  if (target?.isDirectory()) throw new UserError(`${option} ${path}: it is a directory, expected a file name`);
  const dir = dirname(resolve(path));
  await checkWritableDirectory(dir, `${option} ${path}`);
}

/** `path` is a directory, or one that can be created: nothing in the way is a file, and the nearest existing ancestor is writable. */
export async function checkOutputDirectory(path: string, option: string): Promise<void> {
  let dir = resolve(path);
  for (;;) {
    const s = await statOrNull(dir);
    if (s) {
      if (!s.isDirectory()) throw new UserError(`${option} ${path}: ${dir === resolve(path) ? 'exists and is not a directory' : `${dir} is not a directory`}`);
      await checkWritableDirectory(dir, `${option} ${path}`);
      return;
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function checkWritableDirectory(dir: string, what: string): Promise<void> {
  const s = await statOrNull(dir);
  if (!s) throw new UserError(`${what}: directory ${dir} does not exist`);
  if (!s.isDirectory()) throw new UserError(`${what}: ${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UserError(`${what}: directory ${dir} is not writable`);
  }
}

async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent on the way is a file, which the callers report for the parent itself.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}
