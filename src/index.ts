export * from './taxonomy/taxonomy.js';
export type { PaperRecord } from './corpus/record.js';
