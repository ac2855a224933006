/**
 * The server under load while its model backend fails. `serve --backend llm` (compiled, in its own
 * process) points at a stand-in OpenAI-compatible endpoint in this process that answers each call
 * with an error (500, 429, 400), no answer (past the client's timeout), a dropped connection, a
 * cut-off body, prose or HTML, and only now and then a good answer. autocannon sends
 * `POST /v1/classify` for AXC_BENCH_RELIABILITY_S seconds (default 60), one distinct paper per
 * request, while NDJSON batches and /healthz probes go beside it. Measured: requests tried,
 * answered (by status) and lost (no answer), the probes' latency, whether the server is still up,
 * and its resident memory from start to end.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { BUILD_COMMAND } from '../child.js';
import type { SectionResult } from '../run.js';
import { rssBytes, startServeChild, stopServeChild } from '../serve-child.js';
import { rng } from '../../test/sources/json-fuzz.js';

const SECONDS = Number(process.env.AXC_BENCH_RELIABILITY_S ?? 60);
const CONNECTIONS = 32;
const KEY = 'sk-bench-reliability-0123456789';

/** What the stand-in does with a call, and how often (weights sum to 1). */
const BEHAVIOURS = [
  ['500', 0.25],
  ['429', 0.1],
  ['400', 0.1],
  ['no answer', 0.1],
  ['dropped connection', 0.05],
  ['cut-off body', 0.05],
  ['prose', 0.15],
  ['HTML', 0.1],
  ['good', 0.1],
] as const;
type Behaviour = (typeof BEHAVIOURS)[number][0];

function chat(res: ServerResponse, content: string): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
}

/** The stand-in endpoint; `calls` counts what it did. */
async function failingEndpoint(): Promise<{ url: string; calls: Map<Behaviour, number>; close(): Promise<void> }> {
  const r = rng(0x2626);
  const calls = new Map<Behaviour, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      let x = r();
      const [behaviour] = BEHAVIOURS.find(([, w]) => (x -= w) < 0) ?? BEHAVIOURS[BEHAVIOURS.length - 1]!;
      calls.set(behaviour, (calls.get(behaviour) ?? 0) + 1);
      const echo = `you sent ${req.headers.authorization ?? ''}`;
      switch (behaviour) {
        case '500':
        case '429':
        case '400':
          res.writeHead(Number(behaviour), { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify({ error: { message: echo } }));
          return;
        case 'no answer':
          return; // the client's timeout ends it
        case 'dropped connection':
          req.socket.destroy();
          return;
        case 'cut-off body':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' }).end('{"choices":[{"message":{"content":"{\\"categ');
          return;
        case 'prose':
          chat(res, `It looks like science to me. (${echo})`);
          return;
        case 'HTML':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
          return;
        case 'good':
          chat(res, JSON.stringify({ category: 'cs.LG', confidence: 0.9 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function paper(n: number): string {
  return JSON.stringify({ title: `Graph neural networks for lattice models, part ${n}`, abstract: `We study message passing on lattices (${n}) and its limits.` });
}

interface Probes {
  healthz: { tried: number; ok: number; maxMs: number };
  batches: { tried: number; byStatus: Record<string, number>; lines: number; errorLines: number; lost: number };
}

/** /healthz every 250 ms and an NDJSON batch of 5 papers every second, until `stop()`. */
function probe(url: string): { stop(): Promise<Probes> } {
  const result: Probes = { healthz: { tried: 0, ok: 0, maxMs: 0 }, batches: { tried: 0, byStatus: {}, lines: 0, errorLines: 0, lost: 0 } };
  let running = true;
  let n = 1_000_000;
  const health = (async () => {
    while (running) {
      result.healthz.tried++;
      const t = performance.now();
      try {
        if ((await fetch(`${url}/healthz`)).status === 200) result.healthz.ok++;
      } catch {
        // counted as tried and not ok
      }
      result.healthz.maxMs = Math.max(result.healthz.maxMs, Math.round(performance.now() - t));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const batches = (async () => {
    while (running) {
      result.batches.tried++;
      const body = Array.from({ length: 5 }, () => paper(n++)).join('\n') + '\n';
      try {
        const res = await fetch(`${url}/v1/classify/batch`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        result.batches.byStatus[res.status] = (result.batches.byStatus[res.status] ?? 0) + 1;
        for (const line of (await res.text()).split('\n').filter((l) => l.length > 0)) {
          result.batches.lines++;
          if ('error' in (JSON.parse(line) as object)) result.batches.errorLines++;
        }
      } catch {
        result.batches.lost++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    async stop() {
      running = false;
      await Promise.all([health, batches]);
      return result;
    },
  };
}

function load(url: string): Promise<autocannon.Result> {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/classify`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: CONNECTIONS,
        duration: SECONDS,
        timeout: 30,
        requests: [{ setupRequest: (req) => ({ ...req, body: paper(n++) }) }],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
}

export async function run(): Promise<SectionResult> {
  const endpoint = await failingEndpoint();
  const args = ['--backend', 'llm', '--base-url', endpoint.url, '--llm-model', 'stand-in', '--llm-cache', 'off', '--llm-timeout', '1', '--llm-retries', '1'];
  const server = await startServeChild(args, { ...process.env, ARXIV_CLASSIFIER_LLM_KEY: KEY });
  try {
    const mb = (b: number) => Math.round(b / 2 ** 20);
    const samples = [mb(await rssBytes(server.url))];
    const timer = setInterval(() => void rssBytes(server.url).then((b) => samples.push(mb(b)), () => {}), 5000);
    const probes = probe(server.url);
    const r = await load(server.url);
    const side = await probes.stop();
    clearInterval(timer);
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const healthAfter = alive ? (await fetch(`${server.url}/healthz`)).status : 0;
    if (alive) samples.push(mb(await rssBytes(server.url)));
    const byStatus = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
    const answered = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const lost = r.errors;
    const tried = answered + lost;
    const calls = Object.fromEntries(BEHAVIOURS.map(([b]) => [b, endpoint.calls.get(b) ?? 0]));
    const upstreamCalls = Object.values(calls).reduce((a, b) => a + b, 0);
    const statusList = Object.entries(byStatus)
      .sort()
      .map(([code, count]) => `${code}: ${count}`)
      .join(', ');
    const markdown = `\`serve --backend llm\` with \`${args.slice(4).join(' ')}\` (compiled, its own process), its
endpoint a stand-in on loopback that fails ${Math.round((1 - BEHAVIOURS.find(([b]) => b === 'good')![1]) * 100)}% of calls: ${BEHAVIOURS.map(([b, w]) => `${b} ${Math.round(w * 100)}%`).join(', ')}.
Load: autocannon, \`POST /v1/classify\`, ${CONNECTIONS} connections for ${SECONDS} s, a distinct paper per
request; beside it an NDJSON batch of 5 papers every second and \`GET /healthz\` every 250 ms.

| | tried | answered (survived) | lost (no answer) | answers by status |
|---|---:|---:|---:|---|
| \`POST /v1/classify\` | ${tried} | **${answered}** | **${lost}** | ${statusList} |
| \`POST /v1/classify/batch\` (NDJSON) | ${side.batches.tried} | ${side.batches.tried - side.batches.lost} | ${side.batches.lost} | ${Object.entries(side.batches.byStatus).map(([c, k]) => `${c}: ${k}`).join(', ')}; ${side.batches.lines} lines, ${side.batches.errorLines} of them error lines |
| \`GET /healthz\` | ${side.healthz.tried} | ${side.healthz.ok} | ${side.healthz.tried - side.healthz.ok} | 200: ${side.healthz.ok}; slowest ${side.healthz.maxMs} ms |

Upstream calls the stand-in received: ${upstreamCalls} (${Object.entries(calls).map(([b, k]) => `${b} ${k}`).join(', ')}).
Server still up after the run: **${alive ? 'yes' : 'no'}** (\`/healthz\` ${healthAfter || 'unreachable'}). Resident memory
of the serving process (from \`/metrics\`): start **${samples[0]} MB**, end **${samples[samples.length - 1]} MB**, max ${Math.max(...samples)} MB;
samples every 5 s: ${samples.join(', ')}.`;
    return {
      title: 'Reliability: serving with a failing model backend',
      command: `${BUILD_COMMAND} && AXC_BENCH_RELIABILITY_S=${SECONDS} npm run bench -- reliability`,
      markdown,
      json: { seconds: SECONDS, connections: CONNECTIONS, classify: { tried, answered, lost, byStatus, p99: r.latency.p99 }, ...side, upstreamCalls: calls, alive, healthAfter, rssMB: samples },
    };
  } finally {
    await stopServeChild(server);
    await endpoint.close();
  }
}
