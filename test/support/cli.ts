/**
 * The `p100` command as tests run it: the BUILT command (client/build.mjs → dist/cli.js), not the TypeScript
 * through tsx (issue 23: tsx cost ≈ 1.4 s per spawn idle, several seconds under load, and CLI tests hit their
 * timeouts on a loaded machine). Built once per `vitest` run by test/global-setup.ts into a git-ignored folder
 * of client/ (so the package's dependencies resolve as they do for the source).
 */
import { fileURLToPath } from 'node:url';

export const CLI_BUILD_DIR = fileURLToPath(new URL('../../client/.build-test-cli/', import.meta.url));

/** The entry to spawn: `execFile(process.execPath, [BUILT_CLI, ...args])`. */
export const BUILT_CLI = `${CLI_BUILD_DIR}cli.js`;
