import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Where a worker's module is and the Node flags it needs to load. */
export interface WorkerScript {
  url: URL;
  execArgv: string[];
}

/**
 * Locate a worker module that sits next to (or relative to) the calling module, so the same code
 * works from compiled `dist/*.js` and from the TypeScript sources under tsx (tests, `npm run cli`).
 * `name` is the module path with or without its extension (`'./ingest-worker.js'`, `'ingest-worker'`).
 *
 * From `.js` the worker is simply the `.js` file. From `.ts` it is a tiny ESM bootstrap (a data:
 * URL) that registers tsx in the worker and then imports the `.ts` file: Node 20 ignores ESM
 * loader flags such as `--import tsx` in a worker's execArgv (nodejs/node#47747, fixed in 22.2).
 */
export function workerScript(metaUrl: string, name: string): WorkerScript {
  const base = name.replace(/\.(js|ts|mjs|mts)$/, '');
  const rel = base.startsWith('.') || base.startsWith('/') ? base : `./${base}`;
  if (!metaUrl.endsWith('.ts')) return { url: new URL(`${rel}.js`, metaUrl), execArgv: [] };
  const target = new URL(`${rel}.ts`, metaUrl).href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(target)});\n`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(code)}`), execArgv: [] };
}

/** Start the worker module `name` (see workerScript) with the given options. */
export function startWorker(metaUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const { url, execArgv } = workerScript(metaUrl, name);
  return new Worker(url, { ...options, execArgv: [...execArgv, ...(options.execArgv ?? [])] });
}
