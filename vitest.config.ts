import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start their own sandbox and gateway on ephemeral loopback ports, so files
    // can run in parallel; the 2-core CI machine is the sizing target.
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.ci/vitest-results.json' }]],
    maxWorkers: 2,
    // A quiet run: handler logs and EMF metric lines (routed through vitest's console by test/setup.ts) and any
    // console output are printed only under a failing test, suite or file.
    setupFiles: ['test/setup.ts'],
    silent: 'passed-only',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The AWS SDK warns that Node 20 loses support in 2027; Lambda runs nodejs24.x. Noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
