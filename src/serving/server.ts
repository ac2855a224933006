import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { UpstreamError } from '../base/errors.js';
import type { AppState, ClusterHooks, ServeConfig } from './app-state.js';
import { FeedbackStore } from './feedback-store.js';
import { Metrics } from './metrics.js';
import { ModelSlot } from './model-slot.js';
import { PredictPool } from '../models/predict-pool.js';
import { errorBody, HttpError, sendError, upstreamHttpError } from './response.js';
import type { RequestContext, Route } from './route.js';
import { ROUTES } from './routes.js';
import { serveStatic } from './static-files.js';
import { UpstreamHealth } from './upstream-health.js';

/** Where each line of the server's log goes (stderr by default; tests collect it). */
export type Log = (line: string) => void;

const byKey = new Map<string, Route>(ROUTES.map((r) => [`${r.method} ${r.path}`, r]));
const methodsByPath = new Map<string, string[]>();
for (const r of ROUTES) (methodsByPath.get(r.path) ?? methodsByPath.set(r.path, []).get(r.path)!).push(r.method);

function allowed(path: string): string {
  const m = methodsByPath.get(path) ?? [];
  return [...m, ...(m.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
}

function applyCors(config: ServeConfig, req: IncomingMessage, res: ServerResponse): void {
  if (config.corsOrigins.length === 0) return;
  const origin = req.headers.origin;
  if (config.corsOrigins.includes('*')) {
    res.setHeader('access-control-allow-origin', '*');
    return;
  }
  // Every answer depends on the Origin asked from, listed or not: a shared cache must keep them apart.
  res.setHeader('vary', 'Origin');
  if (origin && config.corsOrigins.includes(origin)) res.setHeader('access-control-allow-origin', origin);
}

/**
 * The request target as a URL on this server. An origin-form target ("/v1/classify?k=3") is only
 * a path, so "//v1/classify" stays a path instead of naming a host "v1"; an absolute-form one
 * ("http://host/v1/classify", as proxies send) is parsed whole. Anything else is a 400.
 */
function requestUrl(target: string): URL {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
  } catch {
    throw new HttpError(400, 'invalid_url', `the request target ${JSON.stringify(target.slice(0, 200))} is not a valid URL path`);
  }
}

/**
 * A request Node's parser refused (a malformed Content-Length, headers too large, a timeout)
 * never reaches the handler: it is answered here with the same JSON error body as every other
 * error, where Node alone would send a bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'bad_request', `the request is not valid HTTP (${err.code ?? err.message})`];
  const body = JSON.stringify(errorBody(new HttpError(status, code, message)));
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** The request listener: routing, CORS, errors as responses, metrics. */
export function createHandler(state: AppState, log: Log): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    let routeLabel = 'unmatched';
    let ctx: RequestContext | null = null;
    let upstreamFailed = false;
    res.on('finish', () => {
      state.metrics.observe(req.method ?? 'GET', routeLabel, res.statusCode, (performance.now() - started) / 1000);
      state.metrics.snapshot.papersClassified += ctx?.classified ?? 0;
      if (!upstreamFailed && (ctx?.classified ?? 0) > 0) state.upstream.succeeded();
    });
    const run = async (): Promise<void> => {
      applyCors(state.config, req, res);
      ctx = { req, res, url: requestUrl(req.url ?? '/'), state, classified: 0 };
      const path = ctx.url.pathname;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const route = byKey.get(`${method} ${path}`);
      if (route) {
        routeLabel = route.path;
        await route.handle(ctx);
        return;
      }
      if (methodsByPath.has(path)) {
        routeLabel = path;
        if (method === 'OPTIONS') {
          res.writeHead(204, {
            allow: allowed(path),
            'access-control-allow-methods': allowed(path),
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-max-age': '600',
          });
          res.end();
          return;
        }
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${methodsByPath.get(path)!.join(' or ')}`, [], { allow: allowed(path) });
      }
      if (method === 'GET' && state.config.webDir && !path.startsWith('/v1/')) {
        routeLabel = 'static';
        if (await serveStatic(state.config.webDir, path, res, req.headers['if-none-match'])) return;
      }
      throw new HttpError(404, 'not_found', `no route ${req.method} ${path}; see /openapi.json`);
    };
    const fail = (e: unknown): void => {
      if (e instanceof HttpError) {
        sendError(res, e);
        return;
      }
      if (e instanceof UpstreamError) {
        upstreamFailed = true;
        state.upstream.failed(e);
        log(`error: ${req.method} ${req.url}: ${e.message}`);
        sendError(res, upstreamHttpError(e));
        return;
      }
      const err = e as NodeJS.ErrnoException;
      // A client that hangs up is not a server error; there is nobody left to answer. (Not
      // `req.destroyed`: a request whose body has been read is destroyed too. Not `req.socket`
      // alone: a request stream torn down mid-read has let go of its socket, which the response
      // may still hold.)
      const socket = res.socket ?? req.socket;
      if (err?.code === 'ECONNRESET' || err?.code === 'ERR_STREAM_PREMATURE_CLOSE' || !socket || socket.destroyed) {
        res.destroy();
        return;
      }
      log(`error: ${req.method} ${req.url}: ${err?.stack ?? String(e)}`);
      sendError(res, new HttpError(500, 'internal', 'internal error; the server log has the details'));
    };
    // The last line of defence: a failure while answering a failure ends this one connection,
    // never the process.
    run()
      .catch(fail)
      .catch((e: unknown) => {
        log(`error: answering ${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
        res.destroy();
      });
  };
}

export interface RunningServer {
  server: Server;
  state: AppState;
  /** `http://host:port` */
  url: string;
  /**
   * Stop accepting connections, let requests in flight finish (up to `graceMs`, then cut them),
   * close the feedback store.
   */
  close(graceMs?: number): Promise<void>;
}

/** Open the model (and feedback store) and listen. Rejects when the model fails to load or the port is taken. */
export async function startServer(config: ServeConfig, listen: { port: number; host: string }, log: Log = (l) => process.stderr.write(l + '\n'), cluster?: ClusterHooks): Promise<RunningServer> {
  // The store first: it fails in milliseconds, before the model loads and threads start.
  const feedback = config.feedbackPath ? new FeedbackStore(config.feedbackPath) : null;
  let pool: PredictPool | null = null;
  try {
    const slot = await ModelSlot.open(config.backend ?? config.modelPath);
    // Batch threads each load the model file; other backends answer batches themselves.
    pool = config.batchThreads && slot.current.bytes ? await PredictPool.open(slot.current.path, config.batchThreads, { unref: true }) : null;
    return await listenOn(config, listen, log, { slot, feedback, pool }, cluster);
  } catch (e) {
    // What was opened would keep the process alive (threads, the database) after a failed start.
    await feedback?.close();
    await pool?.close();
    throw e;
  }
}

async function listenOn(
  config: ServeConfig,
  listen: { port: number; host: string },
  log: Log,
  { slot, feedback, pool }: Pick<AppState, 'slot' | 'feedback' | 'pool'>,
  cluster: ClusterHooks | undefined,
): Promise<RunningServer> {
  if (pool) slot.onSwap((served) => pool.load(served.path));
  const metrics = new Metrics();
  const upstream = new UpstreamHealth((failure) => (metrics.snapshot.upstreamErrors[failure] = (metrics.snapshot.upstreamErrors[failure] ?? 0) + 1));
  const state: AppState = { config, slot, feedback, metrics, pool, startedAt: Date.now(), draining: false, upstream };
  if (cluster) state.cluster = cluster;
  const server = createServer({ keepAliveTimeout: 5000 });
  // Requests in flight per connection, so shutdown can end each connection once it has answered.
  const active = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    active.set(socket, 0);
    socket.once('close', () => active.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    if (state.draining) res.setHeader('connection', 'close');
    res.once('finish', () => {
      const n = (active.get(socket) ?? 1) - 1;
      active.set(socket, n);
      // end(), not destroy(): a large response may still sit in the socket's buffer.
      if (state.draining && n === 0) socket.end();
    });
  });
  // After the bookkeeping above, so a draining server's `connection: close` is set before any handler writes.
  server.on('request', createHandler(state, log));
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      state.draining = true;
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      // net.Server's close, not http.Server's: the latter destroys every connection whose
      // response has ended, even when the end of a large response is still buffered, unsent.
      NetServer.prototype.close.call(server, () => {
        clearTimeout(force);
        void Promise.all([feedback?.close(), pool?.close()]).then(() => resolve());
      });
      for (const [socket, n] of active) if (n === 0) socket.end();
    });
    return closing;
  };
  return { server, state, url: `http://${host}:${addr.port}`, close };
}
