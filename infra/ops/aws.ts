import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, Provider } from '@aws-sdk/types';
import { signRequest } from '../../client/src/auth.js';
import type { HttpAnswer, HttpRequest, SecretReader, SuiteHttp } from './smoke.js';

/**
 * The AWS calls of `npm run deploy` (preflight) and `npm run smoke`, each behind a small interface so the
 * unit tests inject stubs (no network, no aws-sdk-client-mock). Only these adapters touch the SDK.
 */

export interface CallerIdentity {
  account: string;
  arn: string;
}

/** STS GetCallerIdentity: proves the credentials work (it needs no permission). */
export interface IdentityReader {
  callerIdentity(): Promise<CallerIdentity>;
}

export interface StackDescription {
  status: string;
  outputs: Record<string, string>;
}

/** CloudFormation DescribeStacks of one stack; `undefined` when it does not exist. */
export interface StackReader {
  describeStack(name: string): Promise<StackDescription | undefined>;
}

export function stsIdentity(client: STSClient): IdentityReader {
  return {
    async callerIdentity() {
      const r = await client.send(new GetCallerIdentityCommand({}));
      return { account: r.Account ?? '', arn: r.Arn ?? '' };
    },
  };
}

export function cloudFormationStacks(client: CloudFormationClient): StackReader {
  return {
    async describeStack(name) {
      try {
        const r = await client.send(new DescribeStacksCommand({ StackName: name }));
        const s = r.Stacks?.[0];
        if (!s) return undefined;
        return { status: s.StackStatus ?? 'UNKNOWN', outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])) };
      } catch (e) {
        // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
        if (e instanceof Error && /does not exist/.test(e.message)) return undefined;
        throw e;
      }
    },
  };
}

export function secretsManagerReader(client: SecretsManagerClient): SecretReader {
  return {
    async value(secretId) {
      const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return r.SecretString ?? '';
    },
    async versionCount(secretId) {
      const r = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, MaxResults: 10 }));
      return r.Versions?.length;
    },
  };
}

/**
 * fetch, with `signed` requests signed by SigV4 for `execute-api` (the IAM authorizer of the suite's routes):
 * the developer kit's signer (client/src/auth.ts, the SDK's SignatureV4, checked against AWS's test vectors), so
 * the smoke test signs exactly as company apps and the `p100` command do.
 */
export function sigv4Http(region: string, credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>): SuiteHttp {
  return async (req: HttpRequest, opts: { signed: boolean }): Promise<HttpAnswer> => {
    const url = new URL(req.url);
    const body = req.body !== undefined ? { body: req.body } : {};
    const headers = opts.signed ? await signRequest({ method: req.method, url, headers: req.headers, ...body }, { credentials, region }) : req.headers;
    const res = await fetch(url, { method: req.method, headers, ...body, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, text: await res.text() };
  };
}

/** Plain fetch (the local suite has no IAM authorizer). */
export const plainHttp: SuiteHttp = async (req) => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
};
