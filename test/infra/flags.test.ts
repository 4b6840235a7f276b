/**
 * Issue 19: "Every synth prints 80 feature flags are not configured". The flags a new CDK app gets today are
 * all set (infra/lib/flags.ts, reviewed), cdk.json says the same, and the synthesized assembly's flag report
 * (what `cdk synth` reads to print that warning) has no flag left at a value other than the recommended one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/build.js';
import { featureFlags, legacyFlags } from '../../infra/lib/flags.js';
import { synthSuite, type Synthesized } from './synth.js';

interface FlagReportEntry {
  recommendedValue?: unknown;
  userValue?: unknown;
  unconfiguredBehavesLike?: { v2?: unknown };
}

/** The flags the CLI warns about: unset, and unset behaves unlike the recommendation (aws-cdk's FlagOperations.filterNeedsAttention). */
function flagsNeedingAttention(flags: Record<string, FlagReportEntry>): string[] {
  return Object.entries(flags)
    .filter(([, f]) => f.userValue === undefined && f.recommendedValue !== undefined)
    .filter(([, f]) => JSON.stringify(f.recommendedValue) !== JSON.stringify(f.unconfiguredBehavesLike?.v2 ?? false))
    .map(([name]) => name);
}

function flagReport(s: Synthesized): Record<string, FlagReportEntry> {
  const manifest = JSON.parse(readFileSync(path.join(s.outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { flags?: Record<string, FlagReportEntry> } }>;
  };
  const report = Object.values(manifest.artifacts).find((a) => a.type === 'cdk:feature-flag-report');
  if (!report?.properties?.flags) throw new Error('the assembly has no feature-flag report');
  return report.properties.flags;
}

describe('feature flags', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('sets every flag aws-cdk-lib recommends for a new app, at the recommended value', () => {
    const recommended = CURRENTLY_RECOMMENDED_FLAGS as Record<string, unknown>;
    const missing = Object.keys(recommended).filter((k) => !(k in featureFlags));
    expect(missing, 'review these new flags in infra/lib/flags.ts').toEqual([]);
    const differing = Object.keys(recommended).filter((k) => JSON.stringify(featureFlags[k]) !== JSON.stringify(recommended[k]));
    expect(differing, 'set against the recommendation: say why in flags.ts and list it here').toEqual([]);
    const extra = Object.keys(featureFlags).filter((k) => !(k in recommended) && !(k in legacyFlags));
    expect(extra).toEqual([]);
  });

  it('cdk.json holds exactly the flags the app sets in code', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
    const inJson = Object.fromEntries(Object.entries(cdkJson.context).filter(([k]) => k.startsWith('@aws-cdk')));
    expect(inJson).toEqual(JSON.parse(JSON.stringify(featureFlags)));
  });

  it('leaves no flag for `cdk synth` to warn about (the report the CLI reads)', () => {
    const report = flagReport(s);
    expect(Object.keys(report).length).toBeGreaterThan(80);
    expect(flagsNeedingAttention(report)).toEqual([]);
  });

  it('the check is the CLI one: an app without the flags has dozens needing attention', () => {
    const unset = Object.fromEntries(Object.entries(flagReport(s)).map(([k, v]) => [k, { ...v, userValue: undefined }]));
    expect(flagsNeedingAttention(unset).length).toBeGreaterThan(70);
  });
});
