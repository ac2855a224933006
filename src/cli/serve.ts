import cluster from 'node:cluster';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { DEFAULT_LIMITS, type ServeConfig } from '../serving/app-state.js';
import { announceReady, startPrimary, workerHooks } from '../serving/cluster.js';
import { defaultThreads, MAX_THREADS } from '../parallel/threads.js';
import { startServer, type RunningServer } from '../serving/server.js';
import { defaultWebDir } from '../serving/static-files.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, backendCall, backendOptions } from './model-option.js';
import { describeBackend } from '../models/backends.js';
import { intOption, numberOption, parseCommandArgs, threadsOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { defaultFeedbackPath } from '../base/data-dir.js';

export const command: Command = {
  name: 'serve',
  usage: `Usage: arxiv-classifier serve [--model MODEL] [--port 8080] [--host 127.0.0.1] [options]

Serves the HTTP API (POST /v1/classify, /v1/classify/batch, /v1/classify/file, /v1/feedback;
GET /v1/models, /v1/taxonomy, /healthz, /readyz, /metrics, /openapi.json) and the web page at /.
SIGHUP (or POST /v1/admin/reload) reloads the model file, keeping the old model if the new one
fails to load; SIGTERM finishes the requests in flight and exits.

Options:
  --port N             TCP port (default 8080; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1)
  --workers N          serving processes sharing the port (default 1; 'auto' = one per core)
  --token T            bearer token required by feedback and admin routes
                       (default: $ARXIV_CLASSIFIER_TOKEN; none = open)
  --cors ORIGINS       comma-separated origins allowed to call the API from a browser, or '*'
  --feedback-db FILE   SQLite file for corrections sent from the page or POST /v1/feedback
                       (default ${defaultFeedbackPath()}, a per-user
                       directory: $ARXIV_CLASSIFIER_DATA, else $XDG_DATA_HOME/arxiv-classifier,
                       else ~/.local/share/arxiv-classifier; 'none' turns feedback off).
                       Said on stderr at start-up.
  --web DIR            the web page's directory (default: the built page; 'none' = API only)
  --report FILE        an evaluation report (HTML) to link from the model page
  --max-batch N        most papers in one JSON batch (default ${DEFAULT_LIMITS.maxBatch})
  --max-body-mb X      largest batch/file upload in MiB (default ${DEFAULT_LIMITS.maxBatchBodyBytes / 2 ** 20})
  --batch-threads N    threads that share large JSON batches with the server's thread, each
                       with its own copy of the model (default: cores - 1 with one serving
                       process, ${defaultThreads({ besideCaller: true })} here; 0 with --workers > 1)
  -h, --help           this help

${BACKEND_USAGE}
Any backend can be served; only a model file of ours can also run in the page (offline mode).`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      ...BACKEND_OPTIONS,
      port: { type: 'string' },
      host: { type: 'string' },
      workers: { type: 'string' },
      token: { type: 'string' },
      cors: { type: 'string' },
      'feedback-db': { type: 'string' },
      web: { type: 'string' },
      report: { type: 'string' },
      'max-batch': { type: 'string' },
      'max-body-mb': { type: 'string' },
      'batch-threads': { type: 'string' },
    });
    const port = intOption(values.port, 'port', 8080);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
    const host = values.host ?? '127.0.0.1';
    const workers = values.workers === 'auto' ? Math.min(availableParallelism(), MAX_THREADS) : values.workers === undefined ? 1 : threadsOption(values.workers, 'workers', 1);
    const chosen = backendOptions(values);
    const modelPath = chosen.backend === 'linear' ? chosen.model! : '';
    const maxBatch = intOption(values['max-batch'], 'max-batch', DEFAULT_LIMITS.maxBatch);
    if (maxBatch < 1) throw new UsageError('--max-batch must be >= 1');
    const maxBodyMb = numberOption(values['max-body-mb'], 'max-body-mb', DEFAULT_LIMITS.maxBatchBodyBytes / 2 ** 20);
    if (maxBodyMb <= 0) throw new UsageError('--max-body-mb must be > 0');
    const batchThreads = values['batch-threads'] === undefined ? (workers === 1 ? defaultThreads({ besideCaller: true }) : 0) : threadsOption(values['batch-threads'], 'batch-threads', 0);
    let webDir: string | null;
    if (values.web === 'none') webDir = null;
    else if (values.web !== undefined) {
      if (!existsSync(values.web) || !statSync(values.web).isDirectory()) throw new UserError(`--web ${values.web}: not a directory`);
      webDir = resolve(values.web);
    } else webDir = defaultWebDir();
    if (values.report !== undefined && !existsSync(values.report)) throw new UserError(`--report ${values.report}: no such file`);
    if (values.report !== undefined && !statSync(values.report).isFile()) throw new UserError(`--report ${values.report}: not a file (give the report's .html file)`);
    const feedbackArg = values['feedback-db'] ?? defaultFeedbackPath();
    // The default store's directory is ours to make; a path the user gave must already lead somewhere.
    if (values['feedback-db'] === undefined && cluster.isPrimary) {
      try {
        mkdirSync(dirname(feedbackArg), { recursive: true });
      } catch (e) {
        throw new UserError(`cannot make ${dirname(feedbackArg)} for the feedback store (${(e as Error).message}): give --feedback-db FILE or none`);
      }
    }
    const token = values.token ?? process.env.ARXIV_CLASSIFIER_TOKEN ?? undefined;
    const config: ServeConfig = {
      modelPath,
      feedbackPath: feedbackArg === 'none' ? null : resolve(feedbackArg),
      corsOrigins: (values.cors ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      webDir,
      maxBodyBytes: DEFAULT_LIMITS.maxBodyBytes,
      maxBatchBodyBytes: Math.round(maxBodyMb * 2 ** 20),
      maxBatch,
      batchThreads,
    };
    if (chosen.backend !== 'linear') config.backend = { backend: chosen, description: describeBackend(chosen) };
    if (token) config.token = token;
    if (values.report !== undefined) config.reportPath = resolve(values.report);
    const log = (line: string): void => void process.stderr.write(`${line}\n`);

    if (workers > 1 && cluster.isPrimary) return runPrimary(workers, log, config);

    let running: RunningServer | null = null;
    const hooks = cluster.isWorker ? workerHooks(workers, () => running) : undefined;
    try {
      // A model or backend that cannot be opened is the user's to fix: a message, not a stack.
      running = await backendCall(startServer(config, { port, host }, log, hooks));
    } catch (e) {
      // startServer closed what it opened; a worker's IPC channel would still keep it alive,
      // and its primary waits for it to exit. (The worker's own disconnect, not the process's:
      // that one exits at once, with code 0.)
      cluster.worker?.disconnect();
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is in use (--port)`);
      if (err.code === 'EACCES') throw new UserError(`not allowed to listen on ${host}:${port} (--port)`);
      throw e;
    }
    const server = running;
    if (cluster.isWorker) announceReady(server.url);
    else {
      const info = server.state.slot.current.model.info;
      log(`serving ${info.task} model ${server.state.slot.current.path} (${info.labels.length} labels)`);
      log(config.feedbackPath ? `feedback store: ${config.feedbackPath}${values['feedback-db'] === undefined ? ' (the default; --feedback-db FILE or none to change)' : ''}` : 'feedback: off (--feedback-db none)');
      if (!config.token && host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') log('warning: no --token: anyone who can reach this port can send feedback and reload the model');
      log(`listening on ${server.url}`);
    }
    return new Promise<number>((done) => {
      const stop = (): void => {
        process.removeListener('SIGTERM', stop);
        process.removeListener('SIGINT', stop);
        if (!cluster.isWorker) log('shutting down: finishing requests in flight');
        void server.close().then(() => {
          // A cluster worker's IPC channel would keep it alive after its server closed.
          if (cluster.isWorker) process.disconnect();
          done(0);
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // A worker reloads when the primary asks; a SIGHUP sent to the whole process group must
      // not kill it (SIGHUP's default action).
      if (cluster.isWorker) process.on('SIGHUP', () => {});
      else {
        process.on('SIGHUP', () => {
          void server.state.slot.reload().then((r) => {
            if (r.ok) server.state.metrics.snapshot.reloads.ok++;
            else server.state.metrics.snapshot.reloads.failed++;
            log(r.ok ? `reloaded ${r.model.path} (${r.model.etag})` : `reload failed, still serving the old model: ${r.error}`);
          });
        });
      }
    });
  },
};

async function runPrimary(workers: number, log: (line: string) => void, config: ServeConfig): Promise<number> {
  const primary = startPrimary(workers, log);
  let url: string;
  try {
    url = await primary.ready;
  } catch (e) {
    throw new UserError(`${(e as Error).message}; see the messages above`);
  }
  log(`serving ${config.modelPath} with ${workers} processes`);
  log(config.feedbackPath ? `feedback store: ${config.feedbackPath}` : 'feedback: off (--feedback-db none)');
  log(`listening on ${url}`);
  return new Promise<number>((done) => {
    const stop = (): void => {
      process.removeListener('SIGTERM', stop);
      process.removeListener('SIGINT', stop);
      log('shutting down: finishing requests in flight');
      void primary.stop().then(() => done(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => {
      void primary.reload().then((r) => log(r.ok ? 'reloaded the model in every process' : `reload failed, still serving the old model: ${r.error}`));
    });
  });
}
