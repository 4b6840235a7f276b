/**
 * vitest globalSetup: once per run, before any test file. Builds the `p100` command the CLI tests spawn
 * (test/support/cli.ts says why the built one); esbuild takes about a second.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI_BUILD_DIR } from './support/cli.js';

export default function setup(): void {
  const build = fileURLToPath(new URL('../cli/build.mjs', import.meta.url));
  execFileSync(process.execPath, [build, CLI_BUILD_DIR], { stdio: 'inherit' });
}
