/**
 * cfn-lint on every stage variant's synthesized templates (nested stacks included), with the same fail rule as
 * cdk-nag: an error fails, a warning or an informational finding is printed and passes, and a rule is only ignored
 * with its reason below. `.ci/run` calls it; without cfn-lint on the PATH it says so and exits 0.
 *
 *   npm run cfn-lint
 *
 * Synthesizes with placeholder code (cfn-lint reads templates, not bundles); cdk-nag and CDK's validation run in npm test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../lib/app.js';
import { placeholderCode } from '../lib/code.js';

/** The variants a deployment can take (the same list test/infra/aws-calls.test.ts proves the policies of). */
export const lintVariants: Record<string, Record<string, unknown>> = {
  staging: {},
  'production-static-egress': { stage: 'production', staticEgress: 'true', alarmEmail: 'ops@example.com' },
  console: { console: 'true' },
  'developer-feed': { developerFeed: 'true' },
  jwt: { jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite' },
};

/** cfn-lint rules not applied, each with its reason. */
export const ignoredRules: Record<string, string> = {
  W3005:
    "CDK makes every function DependsOn its role and the role's default policy, so the function is created only once its permissions exist; the role is also a GetAtt, which cfn-lint calls redundant (a warning, 381 of them)",
};

/** cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it could not run. */
export function failsLikeNag(status: number): boolean {
  return status === 1 || (status & 2) !== 0;
}

function main(): number {
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.log('cfn-lint: not installed, skipped (pip install cfn-lint to run it)');
    return 0;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'p100-cfn-lint-'));
  const code = path.join(work, 'placeholder');
  mkdirSync(code);
  writeFileSync(path.join(code, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  let failed = false;
  try {
    for (const [name, context] of Object.entries(lintVariants)) {
      const outdir = path.join(work, name);
      // cdk-nag and CDK's own template validation run in npm test (test/infra); here only the templates are needed.
      createApp({ code: placeholderCode(code), context, outdir, nag: false, cfnValidation: false }).app.synth();
      const templates = readdirSync(outdir)
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => path.join(outdir, f));
      const ignore = Object.keys(ignoredRules);
      const run = spawnSync('cfn-lint', [...(ignore.length ? ['--ignore-checks', ...ignore] : []), '--', ...templates], { encoding: 'utf8' });
      const out = `${run.stdout}${run.stderr}`.trim();
      const status = run.status ?? 1;
      console.log(`cfn-lint ${name}: ${templates.length} templates, exit ${status}${failsLikeNag(status) ? ' (errors)' : ''}`);
      if (out) console.log(out);
      if (failsLikeNag(status)) failed = true;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`cfn-lint (${version.stdout.trim()}): ${failed ? 'FAILED' : 'passed'}`);
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exitCode = main();
