import { after, before } from 'node:test';
import type { ServeConfig } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { startMockServer, type MockServer } from '../models/mock-llm-server.js';

/**
 * For one test file: a stand-in LLM endpoint on loopback with `key` in the environment, and the
 * servers the tests start, all closed after the file's tests.
 */
export function llmServing(key: string, mock: Parameters<typeof startMockServer>[0] = {}): { llm(): MockServer; start(config: ServeConfig, log?: (line: string) => void): Promise<string> } {
  let llm: MockServer | null = null;
  const servers: RunningServer[] = [];
  before(async () => {
    llm = await startMockServer(mock);
    process.env.ARXIV_CLASSIFIER_LLM_KEY = key;
  });
  after(async () => {
    for (const s of servers) await s.close();
    await llm?.close();
    delete process.env.ARXIV_CLASSIFIER_LLM_KEY;
  });
  return {
    llm: () => llm!,
    async start(config, log = () => {}) {
      const s = await startServer(config, { port: 0, host: '127.0.0.1' }, log);
      servers.push(s);
      return s.url.replace(/\/$/, '');
    },
  };
}
