# Native training kernels for `oellm train` (src/train/native/kernels.cc), built by node-gyp on
# `npm install`. Plain Node-API C (node_api.h), no extra packages. If the build fails the trainer
# falls back to the TypeScript reference kernels (src/train/backend.ts).
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
  ],
}
