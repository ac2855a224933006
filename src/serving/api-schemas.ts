/**
 * The API's request and response schemas: what the handlers validate against and what
 * /openapi.json documents, from the same objects.
 */
import type { ResponseDoc } from './route.js';
import type { Schema } from './schema.js';

export const MAX_TITLE = 10_000;
export const MAX_ABSTRACT = 100_000;

export const paperProperties = {
  id: { type: 'string', maxLength: 200, description: 'Your identifier, echoed back (e.g. an arXiv id).' },
  title: { type: 'string', maxLength: MAX_TITLE, description: 'Paper title. A title alone works, less accurately; so does an abstract alone. One of the two must have text.' },
  abstract: { type: 'string', maxLength: MAX_ABSTRACT, description: 'Paper abstract.' },
} satisfies Record<string, Schema>;

export const optionProperties = {
  k: { type: 'integer', minimum: 1, maximum: 200, description: 'Labels to return (multi-label models: a cap). Default 5.' },
  explain: { oneOf: [{ type: 'boolean' }, { type: 'integer', minimum: 0, maximum: 50 }], description: 'Attach the n-grams that pushed each label: true for 5, or a number.' },
  threshold: { type: 'number', minimum: 0, maximum: 1, description: 'Multi-label models: one threshold for every label instead of the tuned ones.' },
  prior: {
    oneOf: [
      { type: 'string', maxLength: 40 },
      { type: 'object', properties: {}, additionalProperties: true },
    ],
    description:
      'Primary models: the class mix to assume. "recent" (the default: the newest training months), "corpus" (the training data), "balanced" (toward equal groups, and within each group toward equal categories half as hard; "balanced:0.3" or {"balanced": 0.3} sets the strength, 0 to 2 with 1 equal classes, and "balanced:0.3:0.1" or {"balanced": 0.3, "within": 0.1} the strength within groups too), or {"shares": {"physics": 0.6, "math.AG": 0.1, ...}}: categories, archives or groups to shares or counts.',
  },
} satisfies Record<string, Schema>;

export const classifyRequest: Schema = {
  type: 'object',
  properties: { ...paperProperties, ...optionProperties },
  additionalProperties: false,
};

export const batchPaper: Schema = { type: 'object', properties: paperProperties, additionalProperties: false };

export const batchRequest: Schema = {
  type: 'array',
  items: batchPaper,
  minItems: 1,
  maxItems: 10_000,
  description: 'Papers to classify; options go in the query string.',
};

export const feedbackRequest: Schema = {
  type: 'object',
  properties: {
    ...paperProperties,
    categories: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, minItems: 1, maxItems: 20, description: 'The correct arXiv categories, primary first.' },
    predicted: { type: 'string', maxLength: 40, description: 'The label the model gave, for analysis.' },
  },
  required: ['title', 'categories'],
  additionalProperties: false,
};

export const optionQuery: Record<string, Schema> = optionProperties;

export const labelSchema: Schema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    group: { type: 'string' },
    groupName: { type: 'string' },
    probability: { type: 'number' },
    reasons: {
      type: 'array',
      items: { type: 'object', properties: { term: { type: 'string' }, weight: { type: 'number' } }, required: ['term', 'weight'] },
      description: 'With explain: the n-grams of the text that pushed this label, strongest first.',
    },
  },
  required: ['code', 'name', 'group', 'groupName', 'probability'],
};

/**
 * One prediction, the same shape as every line of `classify --input` and the library's
 * `predictionRecord` (src/models/prediction-json.ts says what each field holds).
 */
export const predictionSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The paper\'s id, when the request gave one.' },
    row: { type: 'integer', description: 'Without an id, in a batch or file: the paper\'s place in it (batch element from 1, NDJSON or file line, spreadsheet row).' },
    labels: { type: 'array', items: labelSchema, description: 'Best first; empty only with unparsed.' },
    groups: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, probability: { type: 'number' } }, required: ['code', 'name', 'probability'] }, description: 'Probability mass per top-level group, best first.' },
    archive: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } }, required: ['code', 'name'], description: 'The top label\'s archive.' },
    unparsed: { type: 'string', description: 'An LLM answer that named no valid category (labels is then empty).' },
    uncertain: {
      type: 'object',
      properties: { reason: { type: 'string' }, knownWords: { type: 'number', description: 'Share of the text\'s words the model knows, 0–1.' } },
      required: ['reason', 'knownWords'],
      description: 'Set when the model should not be trusted on this text; the labels are still given.',
    },
  },
  required: ['labels', 'groups'],
};

const errorRef = { $ref: '#/components/schemas/Error' };
export const errorResponse = (description: string): ResponseDoc => ({ description, content: { 'application/json': { schema: errorRef } } });
export const E400 = errorResponse('Invalid request: the body names the field');
export const E401 = errorResponse('Missing or wrong bearer token');
export const E413 = errorResponse('Body too large');
export const E415 = errorResponse('Wrong Content-Type');

export const NDJSON = 'application/x-ndjson';

/** The media types /v1/classify/file accepts: every format `ingest` reads, raw or gzipped. */
export const FILE_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/tab-separated-values',
  'text/plain',
  'application/json',
  NDJSON,
  'application/jsonl',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/gzip',
];

const num: Schema = { type: 'number' };
const str: Schema = { type: 'string' };

const cardCategories: Schema = {
  type: 'array',
  description: 'Per category: training and test papers (primaries for a primary model, every paper carrying it for a multi-label one), precision, recall and F1 on the test.',
  items: {
    type: 'object',
    properties: { code: str, name: str, group: str, trainPapers: { type: 'integer' }, testPapers: { type: 'integer' }, precision: num, recall: num, f1: num },
    required: ['code', 'name', 'group', 'trainPapers', 'testPapers', 'precision', 'recall', 'f1'],
  },
};
const cardText = { evaluation: { type: 'string', description: 'One sentence: how and on what the numbers were measured.' }, testPapers: { type: 'integer' }, limitations: { type: 'array', items: str } } satisfies Record<string, Schema>;

/** `ModelCard` (src/models/model.ts): test scores per field, measured on a time-split twin of the model. */
export const modelCardSchema: Schema = {
  description: 'What a user should know before trusting the model: scores on papers it never saw, per field and per category, for a primary model the trade-off of each prior, and its limitations. Absent from models trained without one.',
  oneOf: [
    {
      type: 'object',
      description: "A primary model's card (task absent or 'primary').",
      properties: {
        task: { type: 'string', enum: ['primary'] },
        ...cardText,
        overall: { type: 'object', properties: { top1: num, top5: num, macroF1: num, groupAccuracy: num }, required: ['top1', 'top5', 'macroF1', 'groupAccuracy'] },
        groups: {
          type: 'array',
          items: { type: 'object', properties: { code: str, name: str, trainShare: num, testPapers: { type: 'integer' }, top1: num, groupAccuracy: num }, required: ['code', 'name', 'trainShare', 'testPapers', 'top1', 'groupAccuracy'] },
        },
        categories: cardCategories,
        priors: {
          type: 'array',
          items: { type: 'object', properties: { prior: str, top1: num, macroF1: num, neverPredicted: { type: 'integer' }, groups: { type: 'object', properties: {}, description: 'Group code → share of test papers predicted in it.' } }, required: ['prior', 'top1', 'macroF1', 'neverPredicted'] },
        },
      },
      required: ['evaluation', 'testPapers', 'overall', 'groups', 'categories', 'priors', 'limitations'],
    },
    {
      type: 'object',
      description: "A multi-label model's card: every answer scored against every category a paper carries.",
      properties: {
        task: { type: 'string', enum: ['multilabel'] },
        ...cardText,
        overall: { type: 'object', properties: { microF1: num, samplesF1: num, precisionAt1: num, macroF1: num }, required: ['microF1', 'samplesF1', 'precisionAt1', 'macroF1'] },
        groups: {
          type: 'array',
          items: {
            type: 'object',
            description: "A group's categories pooled: testLabels counts those carried by test papers.",
            properties: { code: str, name: str, trainShare: num, testLabels: { type: 'integer' }, precision: num, recall: num, f1: num },
            required: ['code', 'name', 'trainShare', 'testLabels', 'precision', 'recall', 'f1'],
          },
        },
        categories: cardCategories,
      },
      required: ['task', 'evaluation', 'testPapers', 'overall', 'groups', 'categories', 'limitations'],
    },
  ],
};

/** GET /v1/models. */
export const modelsResponse: Schema = {
  type: 'object',
  properties: {
    current: {
      type: 'object',
      properties: {
        file: { type: 'string', description: 'The model file\'s name, or the backend\'s description.' },
        etag: str,
        loadedAt: str,
        backend: str,
        task: str,
        multiLabel: { type: 'boolean' },
        createdAt: str,
        quantized: { type: 'boolean' },
        training: { type: 'object', properties: { papers: { type: 'integer' }, dataHash: str, seconds: num, options: { type: 'object', properties: {} } } },
        validation: { type: 'object', properties: {}, description: 'Metrics on the validation split (name → number).' },
        labels: { type: 'array', items: { type: 'object', properties: { code: str, name: str, group: str, groupName: str }, required: ['code', 'name', 'group', 'groupName'] } },
        report: str,
        card: modelCardSchema,
      },
      required: ['file', 'etag', 'backend', 'task', 'multiLabel', 'labels'],
    },
    feedback: {
      type: 'object',
      description: 'Whether POST /v1/feedback stores corrections here, and whether it needs the bearer token: the web page shows its correction form and token field from these.',
      properties: { enabled: { type: 'boolean' }, token: { type: 'boolean' } },
      required: ['enabled', 'token'],
    },
  },
  required: ['current', 'feedback'],
};
