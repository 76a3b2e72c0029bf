#!/usr/bin/env node
// `npm install` hook: builds the native training kernels and block quantizers (binding.gyp →
// build/Release/oellm_kernels.node, oellm_quants.node) with the node-gyp that npm bundles. A
// failed build is a warning, not an install failure: the trainer then runs on the TypeScript
// reference kernels and GGUF export on the TypeScript quantizers (same bytes, much slower).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.npm_config_node_gyp, '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js', '/usr/share/nodejs/node-gyp/bin/node-gyp.js'].filter(Boolean);
const gyp = candidates.find((p) => existsSync(p));
if (!gyp) {
  console.warn('oellm: node-gyp not found; native training kernels and quantizers not built (TypeScript fallback will be used)');
  process.exit(0);
}
const args = [gyp, 'rebuild'];
if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write((r.stdout ?? '') + (r.stderr ?? ''));
  console.warn('oellm: native training kernels / quantizers failed to build (TypeScript fallback will be used)');
}
