export interface OnnxBackendOptions {
  modelDir: string;
  /** Threads for one inference (onnxruntime intra-op); as other commands, all cores (at most eight) when absent. */
  threads?: number;
  /** Longest token sequence fed to the model; config.json's max_position_embeddings (or 512) when absent. */
  maxLength?: number;
  batchSize?: number;
}
