// Public API of the audit module: the data commitment (Merkle roots over per-document leaves,
// salted for restricted documents), inclusion proofs and their check, and bundle verification.
// Not the release documents (src/release). Spec: docs/COMMITMENT.md.
export { auditPath, leafHash, merkleRoot, nodeHash, restrictedSalt, rootFromPath, shardEntryHash, EMPTY_ROOT, PREFIX } from './merkle.js';
export { computeCommitment, proveDocument, readCommitmentRoot, topRoot, CommitmentSchema, ProofSchema, type Commitment, type Proof } from './commitment.js';
export { checkProof, checkProofBytes, checkProofFile, type ProofCheck } from './proof.js';
export { verifyBundle, type VerifyOptions, type VerifyReport, type Check } from './verify.js';
