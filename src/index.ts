// The package root (`import … from 'oellm'`): the language registry. Each stage has its own
// subpath export (`oellm/tokenizer`, …, see package.json#exports); the CLI is bin/oellm.js.
export * from './lang/index.js';
