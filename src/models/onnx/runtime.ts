/**
 * The optional packages behind the ONNX backend, loaded only when it is used. They are optional
 * peer dependencies, which npm does not install: whoever wants the backend runs
 * `npm install onnxruntime-node @huggingface/tokenizers` (~290 MB). They are declared here by the
 * few members we call, so the project type-checks and runs without them installed.
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

/** The command that installs the ONNX backend's packages, as the README gives it. */
export const ONNX_INSTALL = 'npm install onnxruntime-node @huggingface/tokenizers';

/**
 * Thrown when an optional package is missing (`installed` false; the message says how to install
 * it) or is installed but fails to load (`installed` true).
 */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
  constructor(message: string, readonly installed = false) {
    super(message);
  }
}

export async function importOptional<T>(name: string): Promise<T> {
  try {
    // A variable specifier keeps TypeScript from requiring the package at compile time.
    const specifier: string = name;
    return (await import(specifier)) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPackageError(`the onnx backend needs the optional package ${name}, which is not installed: run \`${ONNX_INSTALL}\` (ONNXRUNTIME_NODE_INSTALL=skip in the environment skips its download of CUDA libraries on Linux x64; in a clone of arxiv-classifier, \`npm run install:onnx\`)`);
    }
    throw new MissingPackageError(`${name} failed to load: ${(e as Error).message}`, true);
  }
}

export async function loadOrt(): Promise<OrtModule> {
  const m = await importOptional<OrtModule & { default?: OrtModule }>('onnxruntime-node');
  return m.InferenceSession ? m : m.default!;
}

export async function loadTokenizers(): Promise<TokenizersModule> {
  return importOptional<TokenizersModule>('@huggingface/tokenizers');
}
