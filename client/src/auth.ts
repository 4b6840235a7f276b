/**
 * How the client authenticates. The suite's operation routes sit behind an IAM (SigV4) or a JWT authorizer
 * (infra/lib/api.ts); the local gateway has none.
 */
export type Auth =
  | 'none'
  /** SigV4 with the default AWS credential chain (environment, profile, SSO, instance role). */
  | 'iam'
  /** SigV4 with given credentials/region (tests, assumed roles). */
  | { iam: { credentials?: AwsCredentials | (() => Promise<AwsCredentials>); region?: string } }
  /** A bearer token from the caller's identity provider, fetched per request (the caller caches it). */
  | { jwt: () => Promise<string> };

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What is signed: the exact bytes that travel. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** API Gateway's region from its default host name (`abc.execute-api.eu-central-1.amazonaws.com`). */
export function regionOfUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}

/**
 * SigV4 with the AWS SDK's own signer (never a hand-rolled one): returns the headers to send, `authorization`,
 * `x-amz-date` and (for temporary credentials) `x-amz-security-token` included.
 */
/**
 * The named exports of a dynamically imported CommonJS package. Node gives them on the namespace; a bundle (the
 * packed client and CLI are esbuild ESM) gives only `default`, which is `module.exports`.
 */
function commonJsNamed<T extends object>(m: T): T {
  const d = (m as { default?: unknown }).default;
  return Object.keys(m).some((k) => k !== 'default') || typeof d !== 'object' || d === null ? m : (d as T);
}

export async function signRequest(
  req: OutgoingRequest,
  o: { credentials: AwsCredentials | (() => Promise<AwsCredentials>); region: string; service?: string; signingDate?: Date; applyChecksum?: boolean },
): Promise<Record<string, string>> {
  // Loaded on first signature: an app with `auth: 'none'` or a JWT never loads the signer (the build splits it off).
  const [signerModule, sha256Module] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
  const { SignatureV4 } = commonJsNamed(signerModule);
  const { Sha256 } = commonJsNamed(sha256Module);
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region,
    service: o.service ?? 'execute-api',
    sha256: Sha256,
    // API Gateway checks the signature over the payload hash it computes itself; no extra header needed.
    applyChecksum: o.applyChecksum ?? false,
  });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: req.url.protocol,
      hostname: req.url.hostname,
      ...(req.url.port ? { port: Number(req.url.port) } : {}),
      path: req.url.pathname,
      query,
      headers: { ...req.headers, host: req.url.host },
      ...(req.body !== undefined ? { body: req.body } : {}),
    },
    o.signingDate ? { signingDate: o.signingDate } : {},
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k.toLowerCase()] = String(v);
  // fetch sets Host itself, from the URL; sending it again is refused by undici.
  delete out.host;
  return out;
}

/** The default AWS credential chain, loaded on first use (a client with `auth: 'none'` never pays for it). */
let defaultChain: (() => Promise<AwsCredentials>) | undefined;
export async function defaultCredentials(): Promise<() => Promise<AwsCredentials>> {
  if (!defaultChain) {
    // An optional peer dependency of the package: only SigV4 with the default chain needs it.
    let chain: typeof import('@aws-sdk/credential-provider-node');
    try {
      chain = await import('@aws-sdk/credential-provider-node');
    } catch (e) {
      throw new Error(
        "auth 'iam' with the default credentials needs @aws-sdk/credential-provider-node: npm install @aws-sdk/credential-provider-node (or pass auth.iam.credentials)",
        { cause: e },
      );
    }
    const { defaultProvider } = chain;
    defaultChain = defaultProvider();
  }
  return defaultChain;
}

/** The headers `auth` adds to one request. */
export async function authHeaders(auth: Auth, req: OutgoingRequest, region: string | undefined): Promise<Record<string, string>> {
  if (auth === 'none') return {};
  if (typeof auth === 'object' && 'jwt' in auth) return { authorization: `Bearer ${await auth.jwt()}` };
  const given = auth === 'iam' ? {} : auth.iam;
  const r = given.region ?? region ?? regionOfUrl(req.url) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!r) throw new Error('SigV4 needs a region: pass auth.iam.region, use the execute-api URL, or set AWS_REGION');
  return signRequest(req, { credentials: given.credentials ?? (await defaultCredentials()), region: r });
}
