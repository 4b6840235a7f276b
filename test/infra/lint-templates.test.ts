import { describe, expect, it } from 'vitest';
import { failsLikeNag, ignoredRules, lintVariants } from '../../infra/ops/lint-templates.js';

/** cfn-lint in CI (infra/ops/lint-templates.ts): the fail rule of cdk-nag, every variant, no silent ignores. */
describe('cfn-lint in .ci/run', () => {
  it('fails on an error (alone or with warnings) or when cfn-lint cannot run, passes warnings and informational findings', () => {
    expect([0, 1, 2, 4, 6, 8, 12, 14].map((status) => [status, failsLikeNag(status)])).toEqual([
      [0, false],
      [1, true],
      [2, true],
      [4, false],
      [6, true],
      [8, false],
      [12, false],
      [14, true],
    ]);
  });

  it('lints the variants the policy test proves, and ignores a rule only with its reason', () => {
    expect(Object.keys(lintVariants)).toEqual(['staging', 'production-static-egress', 'console', 'developer-feed', 'jwt']);
    for (const [rule, reason] of Object.entries(ignoredRules)) expect(reason, rule).toMatch(/.{40,}/);
  });
});
