import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppState } from './app-state.js';
import type { Schema } from './schema.js';

/** One HTTP route: how it is matched, how it is documented (openapi.ts reads these), and its handler. */
export type Method = 'GET' | 'POST';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  state: AppState;
  /** Papers this request classified, for the metrics. */
  classified: number;
}

export interface ResponseDoc {
  description: string;
  /** Media type → schema (omitted: described in words only). */
  content?: Record<string, { schema?: Schema | { $ref: string } }>;
}

export interface Route {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** Needs the bearer token when one is configured. */
  auth?: boolean;
  query?: Record<string, Schema>;
  body?: { required: boolean; content: Record<string, { schema?: Schema }>; description?: string };
  responses: Record<string, ResponseDoc>;
  handle(ctx: RequestContext): Promise<void> | void;
}
