// The tool's version (from package.json) and the versions of the runtimes it ran on,
// for manifests and release documents. Not a build stamp.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;

export function toolVersions(): Record<string, string> {
  return { oellm: VERSION, node: process.versions.node, v8: process.versions.v8 };
}
