/**
 * The optional packages behind the ONNX backend, loaded only when it is used. They are declared
 * here by the few members we call, so the project type-checks and runs without them installed
 * (`npm install --omit=optional` keeps the core at a few MB instead of ~300).
 */

export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  InferenceSession: {
    create(path: string, options: { intraOpNumThreads?: number; interOpNumThreads?: number; executionProviders?: string[]; graphOptimizationLevel?: string }): Promise<OrtSession>;
  };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => OrtTensor;
}

export interface HfTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): { ids: number[]; attention_mask: number[] };
}

export interface TokenizersModule {
  Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer;
}

/** Thrown when an optional package is missing; the message says how to install it. */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
}

export async function importOptional<T>(name: string): Promise<T> {
  try {
    // A variable specifier keeps TypeScript from requiring the package at compile time.
    const specifier: string = name;
    return (await import(specifier)) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPackageError(`the onnx backend needs the optional package ${name}, which is not installed: run \`npm install onnxruntime-node @huggingface/tokenizers\` (with onnxruntime-node-install=skip in .npmrc when offline)`);
    }
    throw new MissingPackageError(`${name} failed to load: ${(e as Error).message}`);
  }
}

export async function loadOrt(): Promise<OrtModule> {
  const m = await importOptional<OrtModule & { default?: OrtModule }>('onnxruntime-node');
  return m.InferenceSession ? m : m.default!;
}

export async function loadTokenizers(): Promise<TokenizersModule> {
  return importOptional<TokenizersModule>('@huggingface/tokenizers');
}
