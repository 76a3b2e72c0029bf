// The vault: restricted documents (rights class `restricted`) encrypted with AES-256-GCM under
// a key file, never published; auditors read it with the key. Format in format.ts.
// Not the rights decision (data/rights/) and not the public shards (data/writers/).
export { VaultWriter } from './writer.js';
export { readVault, readVaultAll, vaultFiles, type VaultRecord } from './reader.js';
export { generateKey, loadKey, KEY_BYTES } from './key.js';
export { MAGIC as VAULT_MAGIC, VERSION as VAULT_VERSION } from './format.js';
