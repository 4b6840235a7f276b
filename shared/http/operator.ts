import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Who is calling an operator route, for the audit trail (issue 26; ASSUMPTIONS.md V5):
 * - behind the JWT authorizer (the console in AWS): the Cognito user, from the token's verified claims
 *   (`username`, `cognito:username`, else `email`, else `sub`);
 * - behind the IAM authorizer (SigV4, `p100` and scripts): the principal's ARN;
 * - with no authorizer at all (the local gateway, which checks no credentials): the `x-operator` header
 *   when it is a plain name (letters, digits, . _ @ -), else `local-operator`. A header is trusted only there: in AWS every operator
 *   route has an authorizer, and its identity wins.
 */

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const LOCAL_OPERATOR = 'local-operator';

interface AuthorizerContext {
  jwt?: { claims?: Record<string, unknown> };
  iam?: { userArn?: string; userId?: string; callerId?: string };
}

export function operatorOf(event: Pick<APIGatewayProxyEventV2, 'headers'> & { requestContext?: unknown }): string {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext } | undefined)?.authorizer;
  const claims = authorizer?.jwt?.claims;
  if (claims) {
    for (const k of ['username', 'cognito:username', 'email', 'sub']) {
      const v = claims[k];
      if (typeof v === 'string' && v) return v.slice(0, 128);
    }
    return 'unnamed JWT user';
  }
  const iam = authorizer?.iam;
  if (iam) return (iam.userArn ?? iam.userId ?? iam.callerId ?? 'unnamed IAM principal').slice(0, 256);
  const given = event.headers?.['x-operator']?.trim();
  return given && PLAIN_NAME.test(given) ? given : LOCAL_OPERATOR;
}
