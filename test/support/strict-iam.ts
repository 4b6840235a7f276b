/**
 * Strict mode of the local stand-ins: every AWS call a function makes (local/aws/recorder.ts) is evaluated, at call
 * time, against that function's policies in a synthesized template (the staging variant unless told otherwise) by
 * the same engine as test/infra/aws-calls.test.ts, and refused as AWS refuses it: a 403 AccessDenied error instead of
 * the stand-in's answer. A GetObject of a missing key is a 403 too when the function may not list the bucket.
 *
 * On for one focused test pass (test/integration/strict-iam.test.ts); `P100_STRICT_IAM=1` turns it on for every
 * suite test/support/suite.ts starts (a whole-suite strict run: `P100_STRICT_IAM=1 npx vitest run test/integration`).
 */
import { AccessDeniedError, type AwsCall, type CallGuard } from '../../local/aws/recorder.js';
import { requestOf, resolveTemplate, simulate } from '../infra/iam-check.js';
import { iamModel, type IamModel } from '../infra/iam-model.js';
import { synthSuite } from '../infra/synth.js';

export const STRICT_ENV = 'P100_STRICT_IAM';

export interface Refusal {
  fn: string;
  action: string;
  resource: string;
  verdict: string;
}

export interface StrictIam {
  guard: CallGuard;
  /** Every call refused so far, in order. */
  refusals: Refusal[];
}

let cached: IamModel | undefined;

/** The synthesized model strict mode checks against (the staging variant by default; synthesized once per process). */
export function strictModel(context?: Record<string, unknown>): IamModel {
  if (context) return iamModel(synthSuite(context));
  cached ??= iamModel(synthSuite({}));
  return cached;
}

export function strictIam(model: IamModel = strictModel()): StrictIam {
  const refusals: Refusal[] = [];
  const guard: CallGuard = async (name: string, call: AwsCall) => {
    const fn = model.functions.get(name);
    if (!fn) {
      refusals.push({ fn: name, action: call.action, resource: call.resource, verdict: 'no such function in the template' });
      throw new AccessDeniedError(`unknown function ${name}`, call, call.resource);
    }
    const resource = resolveTemplate(model, fn, call.resource);
    const context = Object.fromEntries(Object.entries(call.context ?? {}).map(([k, v]) => [k, resolveTemplate(model, fn, v)]));
    const verdict = await simulate(requestOf(model, { fn, action: call.action, resource, context, why: 'strict mode' }));
    if (verdict === 'Allowed') return;
    refusals.push({ fn: name, action: call.action, resource, verdict });
    throw new AccessDeniedError(fn.roleArn, call, resource);
  };
  return { guard, refusals };
}
