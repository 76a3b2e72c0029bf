// GGUF v3: constants tables, the state-machine writer and the bounds-checked reader.
// Reference: ggml/docs/gguf.md, llama.cpp gguf-py.
export * from './constants.js';
export { GgufWriter, gv, align, type GgufValue, type TensorDecl } from './writer.js';
export { readGguf, readTensorBytes, kvValue, type GgufFile, type GgufTensorInfo, type GgufKvEntry, type GgufScalar } from './reader.js';
