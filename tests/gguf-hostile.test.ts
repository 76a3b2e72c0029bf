// Crafted GGUF headers (a 151-byte file claiming 2^64−1 tensors, a huge metadata count, a huge
// array count, a tensor whose data lies past the end) must be refused by our reader before
// llama.cpp ever sees them: LlamaCppModel.load is the one door every caller (generate, build,
// eval, serve) goes through, and llama.cpp's own loader grows without bound on such headers.
// Not the format tests (gguf-format.test.ts) nor llama.cpp parity (gguf-llamacpp.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaCppModel } from '../src/runtime/llamacpp.js';
import { readGguf } from '../src/formats/gguf/reader.js';
import { FormatError } from '../src/util/errors.js';
import { tmpDir } from './helpers/step.js';
import { BIN, cliEnv } from './helpers/cli.js';

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
const str = (s: string) => Buffer.concat([u64(BigInt(Buffer.byteLength(s))), Buffer.from(s)]);
const header = (nTensors: bigint, nKv: bigint) => Buffer.concat([Buffer.from('GGUF'), u32(3), u64(nTensors), u64(nKv)]);
/** Pads to exactly 151 bytes, the size of the file that made `oellm generate` grow to 3 GB. */
const pad151 = (b: Buffer) => Buffer.concat([b, Buffer.alloc(Math.max(0, 151 - b.length), 0x41)]);

const CRAFTED: Record<string, Buffer> = {
  // 2^64−1 tensors and nothing else: llama.cpp's loader grew by ~10 MB/s on this one.
  tensorCount: pad151(header(0xffffffffffffffffn, 0n)),
  // 2^64−1 metadata pairs.
  kvCount: pad151(header(0n, 0xffffffffffffffffn)),
  // 2^24 − 1 metadata pairs: under the reader's absolute cap, impossible for 151 bytes.
  kvCountSmall: pad151(header(0n, (1n << 24n) - 1n)),
  // An array of 2^64−1 u8 items, and one of 2^29 strings.
  arrayCount: pad151(Buffer.concat([header(0n, 1n), str('tokenizer.ggml.tokens'), u32(9), u32(0), u64(0xffffffffffffffffn)])),
  arrayStrings: pad151(Buffer.concat([header(0n, 1n), str('tokenizer.ggml.tokens'), u32(9), u32(8), u64(1n << 29n)])),
  // 2^64−1 tensors after a plausible key.
  tensorCountKv: pad151(Buffer.concat([header(0xffffffffffffffffn, 1n), str('general.architecture'), u32(8), str('llama')])),
  // One F32 tensor 4096×4096 whose data would lie far past the end of the file.
  tensorData: pad151(Buffer.concat([header(1n, 0n), str('token_embd.weight'), u32(2), u64(4096n), u64(4096n), u32(0), u64(0n)])),
};

const dir = tmpDir('oellm-gguf-hostile-');

test('the reader bounds every count by the file size and refuses crafted headers at once', () => {
  for (const [name, bytes] of Object.entries(CRAFTED)) {
    const p = join(dir, `${name}.gguf`);
    writeFileSync(p, bytes);
    assert.throws(
      () => readGguf(p),
      (e: unknown) => e instanceof FormatError && /GGUF/.test(e.message),
      name,
    );
  }
  // The count bound names what it compared against.
  assert.throws(() => readGguf(join(dir, 'kvCountSmall.gguf')), /metadata count is impossible for a file of 151 bytes/);
  assert.throws(() => readGguf(join(dir, 'arrayStrings.gguf')), /array length of tokenizer\.ggml\.tokens is impossible for a file of 151 bytes/);
});

test('LlamaCppModel.load validates with our reader before llama.cpp loads anything', async () => {
  for (const name of Object.keys(CRAFTED)) {
    const p = join(dir, `${name}.gguf`);
    writeFileSync(p, CRAFTED[name]!);
    await assert.rejects(LlamaCppModel.load(p, { threads: 1 }), (e: unknown) => e instanceof FormatError && (e as FormatError).file === p, name);
  }
});

test("oellm generate on a crafted 151-byte GGUF exits 1 with the reader's message", () => {
  const p = join(dir, 'crafted.gguf');
  writeFileSync(p, CRAFTED.tensorCount!);
  assert.equal(CRAFTED.tensorCount!.length, 151);
  // The timeout only bounds the damage if the check regresses (llama.cpp would grow for minutes).
  const r = spawnSync(process.execPath, [BIN, 'generate', '--model', p, '--prompt', 'x', '--threads', '1'], { encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 60_000, killSignal: 'SIGKILL' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /crafted\.gguf@8: corrupt GGUF: tensor count is impossible for a file of 151 bytes/);
});
