// The data commitment of a dataset dir: one Merkle leaf per document (public shards unsalted,
// vault documents salted with a salt derived from the vault key), a root per shard file, and a
// top root over the shard entries — written as `data-commitment.json`. Also the inclusion proof
// of one document. Not the hashing rules (merkle.ts). Spec: docs/COMMITMENT.md.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { z } from 'zod';
import type { Manifest } from '../data/index.js';
import { codecOf, decompressor, unzstd } from '../util/compress.js';
import { readVault } from '../data/vault/index.js';
import { OellmError } from '../util/errors.js';
import { readJson, sha256File } from '../util/fs.js';
import { auditPath, leafHash, merkleRoot, restrictedSalt, shardEntryHash, sha256Bytes } from './merkle.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters');

export const CommitmentSchema = z
  .object({
    format: z.literal('oellm-data-commitment/1'),
    hash: z.literal('sha256'),
    spec: z.string(),
    root: hex64,
    docs: z.object({ public: z.number().int().nonnegative(), restricted: z.number().int().nonnegative() }).strict(),
    shards: z.array(
      z
        .object({
          path: z.string().min(1),
          class: z.enum(['public', 'restricted']),
          lang: z.string().optional(),
          docs: z.number().int().nonnegative(),
          sha256: hex64,
          root: hex64,
        })
        .strict(),
    ),
  })
  .strict();
export type Commitment = z.output<typeof CommitmentSchema>;
export type ShardEntry = Commitment['shards'][number];

export const ProofSchema = z
  .object({
    format: z.literal('oellm-inclusion-proof/1'),
    id: z.string().min(1),
    class: z.enum(['public', 'restricted']),
    text_sha256: hex64,
    salt: z.union([z.literal(''), hex64]),
    leaf: hex64,
    shard: z.object({ path: z.string().min(1), docs: z.number().int().positive(), index: z.number().int().nonnegative(), path_hashes: z.array(hex64), root: hex64 }).strict(),
    top: z.object({ shards: z.number().int().positive(), index: z.number().int().nonnegative(), path_hashes: z.array(hex64) }).strict(),
    root: hex64,
  })
  .strict();
export type Proof = z.output<typeof ProofSchema>;

/** One document as the commitment sees it: id and the sha256 of its UTF-8 text. */
export interface LeafDoc {
  id: string;
  textSha256: Buffer;
}

const textHash = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function decodeWhole(file: string): string {
  const raw = readFileSync(file);
  const codec = codecOf(file);
  try {
    return (codec === 'zst' ? unzstd(raw) : codec === 'gz' ? gunzipSync(raw) : raw).toString('utf8');
  } catch (e) {
    throw new OellmError(`cannot decompress: ${(e as Error).message}`, { file, code: 'E_FORMAT', hint: 'the shard is corrupt; restore it (its sha256 is in manifest.json)' });
  }
}

/** Non-empty lines of a (compressed) text file: chunks split on "\n" by hand (readline costs ~2×). */
async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(decompressor(codecOf(file)));
  const dec = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const s = rest + dec.write(chunk as Buffer);
    let start = 0;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', start)) {
      if (i > start) yield s.slice(start, i);
      start = i + 1;
    }
    rest = s.slice(start);
  }
  rest += dec.end();
  if (rest) yield rest;
}

/** Files up to this size are read and decompressed in one call (faster than a stream); larger ones stream. */
const WHOLE_FILE_BYTES = 64 << 20;

function* splitLines(s: string): Generator<string> {
  let start = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', start)) {
    if (i > start) yield s.slice(start, i);
    start = i + 1;
  }
  if (start < s.length) yield s.slice(start);
}

/** Documents of a public shard in file order. */
export async function publicShardDocs(file: string): Promise<LeafDoc[]> {
  const out: LeafDoc[] = [];
  let line = 0;
  const whole = statSync(file).size <= WHOLE_FILE_BYTES;
  const source: Iterable<string> | AsyncIterable<string> = whole ? splitLines(decodeWhole(file)) : lines(file);
  for await (const text of source) {
    line++;
    let r: { id?: unknown; text?: unknown };
    try {
      r = JSON.parse(text) as typeof r;
    } catch (e) {
      throw new OellmError(`record ${line} is not JSON: ${(e as Error).message}`, { file, offset: line, code: 'E_FORMAT', hint: 'the shard is corrupt; restore it (its sha256 is in manifest.json)' });
    }
    if (typeof r.id !== 'string' || typeof r.text !== 'string') throw new OellmError(`record ${line} has no string id/text`, { file, offset: line, code: 'E_FORMAT', hint: 'the shard is corrupt; restore it (its sha256 is in manifest.json)' });
    out.push({ id: r.id, textSha256: textHash(r.text) });
  }
  return out;
}

/** Documents of a vault file in file order (authenticated by the vault reader). */
export async function vaultDocs(file: string, key: Uint8Array): Promise<LeafDoc[]> {
  const out: LeafDoc[] = [];
  for await (const r of readVault(file, key)) out.push({ id: r.id, textSha256: textHash(r.text) });
  return out;
}

export function leavesOf(docs: LeafDoc[], cls: 'public' | 'restricted', key?: Uint8Array): Buffer[] {
  return docs.map((d) => leafHash(d.id, d.textSha256, cls === 'restricted' ? restrictedSalt(key!, d.id) : undefined));
}

export function topRoot(shards: Pick<ShardEntry, 'path' | 'docs' | 'root'>[]): Buffer {
  return merkleRoot(shards.map((s) => shardEntryHash(s.path, s.docs, Buffer.from(s.root, 'hex'))));
}

/**
 * Computes the commitment of a dataset dir from its manifest's shard and vault file lists.
 * A vault with documents needs the vault key (restricted leaves are salted from it).
 */
export async function computeCommitment(datasetDir: string, vaultKey?: Uint8Array): Promise<Commitment> {
  const manifest = readJson<Manifest>(join(datasetDir, 'manifest.json'));
  const shards: ShardEntry[] = [];
  let pub = 0;
  let res = 0;
  for (const s of manifest.shards) {
    const file = join(datasetDir, s.path);
    const docs = await publicShardDocs(file);
    pub += docs.length;
    shards.push({ path: s.path, class: 'public', lang: s.lang, docs: docs.length, sha256: await sha256File(file), root: merkleRoot(leavesOf(docs, 'public')).toString('hex') });
  }
  const vaultFilesList = manifest.vault?.files ?? [];
  if (vaultFilesList.some((f) => f.docs > 0) && !vaultKey) {
    throw new OellmError(`the dataset has ${manifest.vault.docs} restricted documents in its vault, and restricted leaves are salted from the vault key`, {
      file: join(datasetDir, 'manifest.json'),
      code: 'E_VAULT_KEY',
      hint: 'pass the vault key file (--vault-key, or data.rights.vaultKeyFile in the build config)',
    });
  }
  for (const f of vaultFilesList) {
    const rel = vaultRel(datasetDir, f.path);
    const docs = await vaultDocs(join(datasetDir, rel), vaultKey!);
    res += docs.length;
    shards.push({ path: rel, class: 'restricted', docs: docs.length, sha256: await sha256File(join(datasetDir, rel)), root: merkleRoot(leavesOf(docs, 'restricted', vaultKey)).toString('hex') });
  }
  return { format: 'oellm-data-commitment/1', hash: 'sha256', spec: 'docs/COMMITMENT.md', root: topRoot(shards).toString('hex'), docs: { public: pub, restricted: res }, shards };
}

/** Vault paths in the manifest may be relative to the dataset dir or carry a `vault/` prefix. */
export function vaultRel(datasetDir: string, p: string): string {
  if (existsSync(join(datasetDir, p))) return p;
  if (existsSync(join(datasetDir, 'vault', p))) return join('vault', p);
  return p;
}

/** The inclusion proof of document `id`: found in a public shard or (with the key) in the vault. */
export async function proveDocument(datasetDir: string, c: Commitment, id: string, vaultKey?: Uint8Array): Promise<Proof> {
  for (let si = 0; si < c.shards.length; si++) {
    const s = c.shards[si]!;
    if (s.class === 'restricted' && !vaultKey) continue;
    const file = join(datasetDir, s.path);
    const docs = s.class === 'public' ? await publicShardDocs(file) : await vaultDocs(file, vaultKey!);
    const i = docs.findIndex((d) => d.id === id);
    if (i < 0) continue;
    const leaves = leavesOf(docs, s.class, vaultKey);
    const shardRoot = merkleRoot(leaves).toString('hex');
    if (shardRoot !== s.root)
      throw new OellmError(`shard ${s.path}: recomputed root ${shardRoot} differs from the commitment's ${s.root}`, { file, code: 'E_COMMITMENT', hint: 'the shard or the commitment was changed; no proof can be made from it' });
    const salt = s.class === 'restricted' ? restrictedSalt(vaultKey!, id).toString('hex') : '';
    const entries = c.shards.map((e) => shardEntryHash(e.path, e.docs, Buffer.from(e.root, 'hex')));
    return {
      format: 'oellm-inclusion-proof/1',
      id,
      class: s.class,
      text_sha256: docs[i]!.textSha256.toString('hex'),
      salt,
      leaf: leaves[i]!.toString('hex'),
      shard: { path: s.path, docs: docs.length, index: i, path_hashes: auditPath(leaves, i).map((h) => h.toString('hex')), root: s.root },
      top: { shards: c.shards.length, index: si, path_hashes: auditPath(entries, si).map((h) => h.toString('hex')) },
      root: c.root,
    };
  }
  throw new OellmError(`document ${id} is in no ${vaultKey ? '' : 'public '}shard of the commitment`, {
    file: datasetDir,
    code: 'E_NOT_FOUND',
    hint: vaultKey ? 'check the id (`oellm vault cat` lists restricted ids)' : 'a restricted document needs --vault-key',
  });
}

export { sha256Bytes };

/** The top root of a data-commitment.json, validated (for `oellm export gguf --commitment`). */
export function readCommitmentRoot(file: string): string {
  const r = CommitmentSchema.safeParse(readJson(file));
  if (!r.success) throw new OellmError(`not a data commitment: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { file, code: 'E_FORMAT', hint: 'pass the data-commitment.json of a release bundle' });
  const recomputed = topRoot(r.data.shards).toString('hex');
  if (recomputed !== r.data.root) throw new OellmError(`the commitment's root ${r.data.root} is not the root of its shard entries (${recomputed})`, { file, code: 'E_COMMITMENT', hint: 'the file was changed; take it from a verified bundle' });
  return r.data.root;
}
