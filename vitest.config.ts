import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'client/test/**/*.test.ts'],
    // Integration tests start their own sandbox and gateway on ephemeral loopback ports, so files
    // can run in parallel; the 2-core CI machine is the sizing target.
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.ci/vitest-results.json' }]],
    maxWorkers: 2,
    // A quiet run: handler logs and EMF metric lines (routed through vitest's console by test/setup.ts) and any
    // console output are printed only under a failing test, suite or file.
    setupFiles: ['test/setup.ts'],
    // Builds the p100 command once (test/support/cli.ts): CLI tests spawn the built JavaScript, not tsx.
    globalSetup: ['test/global-setup.ts'],
    silent: 'passed-only',
    // Hang guards, not speed limits (issue 23): a test or hook waits on conditions, and these bounds only stop
    // one that never ends; at 30 s a loaded 2-core machine (load 8) reached them by chance.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Coverage of shared/ (the code every Lambda runs) is a gate, not a report: `npm test` runs with --coverage
    // and fails below these figures. Set at the figures reached after issues 11-14 landed (2026-12-02, rounded
    // down: statements 90.70, branches 80.56, functions 93.50, lines 93.90; first gate 88/78/92/91); raise them when
    // tests are added, never lower them to let a change through. Targeted runs (`npx vitest run <file>`) measure nothing.
    coverage: {
      provider: 'v8',
      include: ['shared/**'],
      exclude: ['**/*.md'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { statements: 90, branches: 80, functions: 93, lines: 93 },
    },
    // The AWS SDK warns that Node 20 loses support in 2027; Lambda runs nodejs24.x. Noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
