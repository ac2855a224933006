import { importOptional, MissingPackageError, ONNX_INSTALL } from '../../src/models/onnx/runtime.js';

/**
 * Why the tests that run the ONNX backend must skip, or undefined when its optional packages are
 * installed. They are not by `npm ci`; .ci/run installs them and sets AXC_REQUIRE_ONNX=1, which
 * makes their absence a failure instead of a skip.
 */
export async function onnxRuntimeMissing(): Promise<string | undefined> {
  for (const name of ['onnxruntime-node', '@huggingface/tokenizers']) {
    try {
      await importOptional(name);
    } catch (e) {
      if (!(e instanceof MissingPackageError) || e.installed) throw e;
      if (process.env.AXC_REQUIRE_ONNX === '1') throw new Error(`AXC_REQUIRE_ONNX=1, but ${e.message}`);
      return `the optional ONNX runtime is not installed (\`${ONNX_INSTALL}\` installs it)`;
    }
  }
  return undefined;
}
