import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.axcm': 'application/octet-stream',
};

/**
 * The page may run the model in the browser (WebAssembly) but loads nothing from elsewhere:
 * everything comes from this server, which is what makes it work offline.
 */
const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The web page's directory: `dist/web` of the package when built (the page plus any bundles the
 * build adds), otherwise the page's sources, which run as they are.
 */
export function defaultWebDir(): string | null {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = resolve(here, '..', '..');
  for (const dir of [join(root, 'dist', 'web'), join(here, 'web')]) {
    if (existsSync(join(dir, 'index.html')) && statSync(dir).isDirectory()) return dir;
  }
  return null;
}

/** Serve `urlPath` from `root` when it names a file there; false when it does not (the caller 404s). */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, ifNoneMatch: string | undefined): Promise<boolean> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  if (rel.includes('\0')) return false;
  if (rel.endsWith('/')) rel += 'index.html';
  const base = resolve(root);
  const file = resolve(base, '.' + normalize('/' + rel));
  // Never outside the web directory, whatever `..` or encoded slashes the path holds.
  if (file !== base && !file.startsWith(base + sep)) return false;
  let info;
  try {
    info = await stat(file);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers: Record<string, string | number> = { etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = PAGE_CSP;
  if (ifNoneMatch === etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  const body = await readFile(file);
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length });
  res.end(body);
  return true;
}
