// `node --import ./test/models/hide-onnx-runtime.mjs …` runs as if the optional ONNX packages were
// not installed, so the message a user without them sees can be tested where they are.
import { register } from 'node:module';

const hook = `
const HIDDEN = new Set(['onnxruntime-node', '@huggingface/tokenizers']);
export async function resolve(specifier, context, next) {
  if (HIDDEN.has(specifier)) {
    const e = new Error("Cannot find package '" + specifier + "' (hidden by hide-onnx-runtime.mjs)");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
