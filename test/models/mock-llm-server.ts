import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOPICS } from './synthetic.js';

/**
 * A small OpenAI-compatible chat-completions server on loopback for the LLM backend tests. What
 * it does with a request depends on a marker in the paper's title:
 *
 * - `SLOW`: answers after `slowMs` (longer than the client's timeout in the tests);
 * - `FAIL429xN` / `FAIL500xN`: fails N times for this title (429 with Retry-After: 0, or 500
 *   whose body echoes the Authorization header, as a careless proxy might), then answers;
 * - `ALWAYS500`: always fails;
 * - `GARBAGE`: answers with prose that names no category (and echoes the key);
 * - `NOTJSON`: a 200 whose body is not JSON, once, then a good answer;
 * - `HUGE`: a 200 whose body goes on for 64 MiB (it counts the bytes the client took in `hugeSent`);
 * - `PROSE` / `FENCED`: a good answer wrapped in prose or a code fence;
 * - `LOWCONF`: a good answer with confidence 0.05, below chance;
 * - otherwise a JSON answer with the category whose topic words occur most in the paper.
 */
export interface MockServer {
  url: string;
  /** Requests received, by paper title. */
  attempts: Map<string, number>;
  requests: number;
  maxConcurrent: number;
  /** Authorization headers seen. */
  authorizations: Set<string>;
  /** Bytes of `HUGE` answers the client accepted before it hung up. */
  hugeSent: number;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bestTopic(text: string): string {
  const words = text.toLowerCase().split(/[^a-z-]+/);
  let best = Object.keys(TOPICS)[0]!;
  let bestCount = -1;
  for (const [code, topicWords] of Object.entries(TOPICS)) {
    const n = words.filter((w) => topicWords.includes(w)).length;
    if (n > bestCount) {
      best = code;
      bestCount = n;
    }
  }
  return best;
}

export async function startMockServer(options: { slowMs?: number; requireKey?: string } = {}): Promise<MockServer> {
  let active = 0;
  const state = { attempts: new Map<string, number>(), requests: 0, maxConcurrent: 0, authorizations: new Set<string>(), hugeSent: 0 };
  const server: Server = createServer(async (req, res) => {
    active++;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    state.requests++;
    try {
      const auth = req.headers.authorization ?? '';
      if (auth) state.authorizations.add(auth);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      if (options.requireKey !== undefined && auth !== `Bearer ${options.requireKey}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad key: ${auth}` }));
        return;
      }
      const request = JSON.parse(await body(req)) as { model: string; messages: { role: string; content: string }[] };
      const last = request.messages[request.messages.length - 1]!.content;
      const title = /^Title: (.*)$/m.exec(last)?.[1] ?? '';
      const n = (state.attempts.get(title) ?? 0) + 1;
      state.attempts.set(title, n);
      const fail = /FAIL(429|500)x(\d+)/.exec(title);
      if (title.includes('ALWAYS500') || (fail && n <= Number(fail[2]))) {
        const status = fail?.[1] === '429' ? 429 : 500;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (status === 429) headers['retry-after'] = '0';
        res.writeHead(status, headers).end(JSON.stringify({ error: { message: `overloaded; you sent ${auth}` } }));
        return;
      }
      if (title.includes('SLOW')) await new Promise((r) => setTimeout(r, options.slowMs ?? 2000));
      if (title.includes('HUGE')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const piece = Buffer.alloc(1 << 20, 0x20);
        for (let i = 0; i < 64 && !res.destroyed; i++) {
          if (!res.write(piece)) await new Promise((r) => res.once('drain', r).once('close', r));
          if (!res.destroyed) state.hugeSent += piece.length;
        }
        res.end();
        return;
      }
      if (title.includes('NOTJSON') && n === 1) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
        return;
      }
      const code = bestTopic(last);
      let content = JSON.stringify({ category: code, confidence: 0.9 });
      if (title.includes('GARBAGE')) content = `I am not sure; it looks like science to me. (debug: ${auth})`;
      else if (title.includes('PROSE')) content = `The most likely primary category is ${code}, given the topic.`;
      else if (title.includes('FENCED')) content = '```json\n' + JSON.stringify({ label: code, probability: '80%' }) + '\n```';
      else if (title.includes('LOWCONF')) content = JSON.stringify({ category: code, confidence: 0.05 });
      // Concurrency is only observable if requests overlap: hold each a moment.
      await new Promise((r) => setTimeout(r, 5));
      const promptTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${state.requests}`,
          object: 'chat.completion',
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: 12, total_tokens: promptTokens + 12 },
        }),
      );
    } finally {
      active--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
