import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ChatClient, ChatError } from '../../src/models/llm/chat-client.js';
import { Redactor } from '../../src/models/llm/redact.js';

// Endpoints echo what they were sent in every encoding, and cut their echoes anywhere.
const KEY = 'sk-proj/Ab+9_x7Q"k\\ZyXw0123456789';
const r = new Redactor(KEY);

/** No run of 8 or more of the key's characters, in order, survives anywhere in `text`. */
function assertNoKey(text: string): void {
  for (let i = 0; i + 8 <= KEY.length; i++) assert.ok(!text.includes(KEY.slice(i, i + 8)), `key text ${JSON.stringify(KEY.slice(i, i + 8))} in ${JSON.stringify(text)}`);
}

test('the key is redacted raw, JSON-escaped, URL-encoded and in base64', () => {
  const forms = [
    KEY,
    JSON.stringify(KEY).slice(1, -1),
    JSON.stringify(KEY).slice(1, -1).replace(/\//g, '\\/'),
    JSON.stringify(JSON.stringify(KEY)),
    [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    encodeURIComponent(KEY),
    encodeURIComponent(encodeURIComponent(KEY)),
    encodeURIComponent(KEY).toLowerCase(),
    Buffer.from(KEY).toString('base64'),
    Buffer.from(`user:${KEY}`).toString('base64'),
    Buffer.from(`ab${KEY}`).toString('base64url'),
  ];
  for (const form of forms) {
    const out = r.redact(`header was "Bearer ${form}" (echoed)`);
    assert.match(out, /\[redacted\]/, form);
    assert.ok(!out.includes(form), form);
    assertNoKey(out);
  }
});

test('an echo cut short still loses its key prefix; redaction comes before the cut', () => {
  for (let n = 8; n <= KEY.length; n++) assertNoKey(r.redact(`you sent Bearer ${KEY.slice(0, n)}`));
  for (let at = 0; at < 40; at++) {
    const text = 'x'.repeat(180 + at) + KEY + ' and more';
    const out = r.redact(text, 200);
    assert.ok(out.length <= 200);
    assertNoKey(out);
  }
  // Short common prefixes and unrelated text are left alone.
  assert.equal(r.redact('sk-proj is a prefix; sk-other-key too'), 'sk-proj is a prefix; sk-other-key too');
  assert.equal(new Redactor(undefined).redact('anything', 3), 'any');
});

// A stand-in endpoint whose error bodies echo the Authorization header JSON-escaped (`/` as `\/`),
// and whose 200 answers are not JSON and echo it at the 100-character cut.
let server: Server;
let url = '';
before(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/json-escaped/chat/completions') res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad request from ${auth}` }).replace(/\//g, '\\/'));
      else if (req.url === '/v1/straddle/chat/completions') res.writeHead(403).end(`${'.'.repeat(200 - 'Bearer '.length - 12)}${auth}`);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`${'-'.repeat(90)}${auth}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('chat errors never carry the key: JSON-escaped echoes, echoes across the 200 and 100 character cuts', async () => {
  for (const path of ['json-escaped', 'straddle', 'not-json']) {
    const client = new ChatClient({ baseUrl: `${url}/${path}`, model: 'm', apiKey: KEY, retries: 0, cache: null });
    const e = await client.complete([{ role: 'user', content: 'hi' }]).then(
      () => assert.fail('expected a failure'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof ChatError, path);
    assertNoKey(e.message);
    assertNoKey(e.stack ?? '');
  }
});
