/**
 * The `p100` command as tests run it: the BUILT command (cli/build.mjs → main.js, what the package's bin runs),
 * not the TypeScript through tsx (tsx cost ≈ 1.4 s per spawn idle, several seconds under load, and CLI tests hit
 * their timeouts on a loaded machine). Built once per `vitest` run by test/global-setup.ts into a git-ignored
 * folder of cli/ (so the package's dependencies resolve as they do for the source).
 */
import { fileURLToPath } from 'node:url';

export const CLI_BUILD_DIR = fileURLToPath(new URL('../../cli/.build-test-cli/', import.meta.url));

/** The entry to spawn: `execFile(process.execPath, [BUILT_CLI, ...args])`. */
export const BUILT_CLI = `${CLI_BUILD_DIR}main.js`;
