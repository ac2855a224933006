import type { Route } from './route.js';
import { VERSION } from '../base/version.js';

/** The OpenAPI 3.0 document for a route table: paths, parameters, bodies, responses, security. */
export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      responses: r.responses,
    };
    if (r.query) op.parameters = Object.entries(r.query).map(([name, schema]) => ({ name, in: 'query', required: false, schema, description: schema.description }));
    if (r.body) op.requestBody = r.body;
    if (r.auth) op.security = [{ bearer: [] }];
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'arxiv-classifier',
      version: VERSION,
      description: 'Place arXiv papers in the arXiv taxonomy: primary category, multi-label and top-level group, with calibrated probabilities and explanations.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required by feedback and admin routes when the server has a token.' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['status', 'code', 'message'],
              properties: {
                status: { type: 'integer' },
                code: { type: 'string' },
                message: { type: 'string' },
                field: { type: 'string', description: 'The first bad field, as a JSON path (papers[3].title).' },
                problems: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  };
}
