# Native training kernels for `oellm train` (src/train/native/kernels.cc), native block
# quantizers for GGUF export (src/quant/native/quants.cc) and the data pipeline's integer
# kernels (src/data/native/data.cc: LID score sums, MinHash), built by node-gyp on `npm install`.
# Plain Node-API C (node_api.h), no extra packages. If a build fails, the TypeScript reference
# kernels (src/train/backend.ts) / quantizers (src/quant/native.ts) / loops (src/util/native-data.ts) are used instead.
{
  'targets': [
    {
      'target_name': 'oellm_kernels',
      'sources': ['src/train/native/kernels.cc'],
      'cflags_cc': ['-O3', '-std=c++17', '-fno-math-errno'],
      'cflags_cc!': ['-fno-exceptions', '-O2'],
      'cflags!': ['-O2'],
      'defines': ['NAPI_VERSION=8'],
      'ldflags': ['-pthread'],
    },
    {
      # Data-pipeline integer kernels (LID score sums, MinHash); exact, so results equal the TypeScript loops.
      'target_name': 'oellm_data',
      'sources': ['src/data/native/data.cc'],
      'cflags_cc': ['-O3', '-std=c++17'],
      'cflags_cc!': ['-fno-exceptions', '-O2'],
      'cflags!': ['-O2'],
      'defines': ['NAPI_VERSION=8'],
    },
    {
      'target_name': 'oellm_quants',
      'sources': ['src/quant/native/quants.cc'],
      # -ffp-contract=off: no fused multiply-add, so every float op rounds as in ggml's C.
      'cflags_cc': ['-O3', '-std=c++17', '-ffp-contract=off', '-fno-fast-math'],
      'cflags_cc!': ['-fno-exceptions', '-O2'],
      'cflags!': ['-O2'],
      'defines': ['NAPI_VERSION=8'],
    },
  ],
}
