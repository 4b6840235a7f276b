import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Secrets Manager stand-in speaking the service's JSON 1.1 protocol for the calls the suite makes.
 * The unchanged handler code reaches it through AWS_ENDPOINT_URL_SECRETS_MANAGER (the SDK's
 * service-specific endpoint variable). There is no emulator package for Secrets Manager, hence this file.
 */
export interface LocalSecretsManager {
  endpoint: string;
  /** GetSecretValue calls served, per secret id (benchmarks and tests count them). */
  readonly getCalls: Map<string, number>;
  put(secretId: string, value: string): void;
  close(): Promise<void>;
}

export async function startSecretsManager(initial: Record<string, string>, port = 0): Promise<LocalSecretsManager> {
  const secrets = new Map<string, { value: string; version: number }>();
  for (const [k, v] of Object.entries(initial)) secrets.set(k, { value: v, version: 1 });
  const getCalls = new Map<string, number>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return reply(res, 400, { __type: 'InvalidRequestException', message: 'malformed JSON' });
      }
      const id = String(input.SecretId ?? input.Name ?? '');
      switch (target) {
        case 'secretsmanager.GetSecretValue': {
          const s = secrets.get(id);
          if (!s) return reply(res, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
          getCalls.set(id, (getCalls.get(id) ?? 0) + 1);
          return reply(res, 200, {
            ARN: arn(id),
            Name: id,
            SecretString: s.value,
            VersionId: `v${s.version}`,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: Date.now() / 1000,
          });
        }
        case 'secretsmanager.PutSecretValue':
        case 'secretsmanager.CreateSecret': {
          const prev = secrets.get(id);
          secrets.set(id, { value: String(input.SecretString ?? ''), version: (prev?.version ?? 0) + 1 });
          return reply(res, 200, { ARN: arn(id), Name: id, VersionId: `v${(prev?.version ?? 0) + 1}` });
        }
        default:
          return reply(res, 400, { __type: 'UnknownOperationException', message: `not supported locally: ${target}` });
      }
    });
  });

  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    getCalls,
    put: (secretId, value) => {
      const prev = secrets.get(secretId);
      secrets.set(secretId, { value, version: (prev?.version ?? 0) + 1 });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function arn(id: string): string {
  return id.startsWith('arn:') ? id : `arn:aws:secretsmanager:local:000000000000:secret:${id}`;
}

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}
