/**
 * Where this program keeps data of its own between runs (the feedback store): a per-user
 * directory, never the current directory of whoever started it. `$ARXIV_CLASSIFIER_DATA` wins,
 * then `$XDG_DATA_HOME/arxiv-classifier`, then `~/.local/share/arxiv-classifier` (on Windows,
 * `%LOCALAPPDATA%\arxiv-classifier`).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ARXIV_CLASSIFIER_DATA) return env.ARXIV_CLASSIFIER_DATA;
  // The XDG spec: a relative XDG_DATA_HOME is invalid and to be ignored.
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'arxiv-classifier');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'arxiv-classifier');
  return join(homedir(), '.local', 'share', 'arxiv-classifier');
}

/** The feedback store `serve` writes and `feedback export` reads when neither is told another. */
export function defaultFeedbackPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDataDir(env), 'feedback.sqlite');
}
