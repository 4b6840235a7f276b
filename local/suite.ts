import { ENV } from '../shared/config/env.js';
import { startDynamo, LOCAL_TABLES, type LocalDynamo } from './aws/dynamo.js';
import { startSecretsManager, type LocalSecretsManager } from './aws/secrets-manager.js';
import { startGateway, type RunningGateway } from './gateway/server.js';
import { suiteRoutes } from './gateway/suite-routes.js';
import type { LocalRoute } from './gateway/routes.js';

export interface LocalSuiteOptions {
  /** Gateway port (0 = any free port). */
  port?: number;
  /** The P100 base URL handlers call (the sandbox's URL, normally). */
  p100BaseUrl: string;
  apiKey: string;
  webhookToken: string;
  /** Extra routes (tests, operator tools). */
  extraRoutes?: LocalRoute[];
}

export interface LocalSuite {
  gateway: RunningGateway;
  secrets: LocalSecretsManager;
  dynamo: LocalDynamo;
  missing: string[];
  close(): Promise<void>;
}

export const LOCAL_SECRET_IDS = { apiKey: 'p100/local/api-key', webhookToken: 'p100/local/webhook-token' } as const;

/**
 * Starts the local AWS stand-ins (Secrets Manager, dynalite) and the gateway, and points this process's
 * environment at them, so the unchanged handlers run as they would in Lambda.
 */
export async function startLocalSuite(o: LocalSuiteOptions): Promise<LocalSuite> {
  const secrets = await startSecretsManager({ [LOCAL_SECRET_IDS.apiKey]: o.apiKey, [LOCAL_SECRET_IDS.webhookToken]: o.webhookToken });
  const dynamo = await startDynamo();
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // The SDK warns that Node 20 loses support in 2027; Lambda runs nodejs24.x, so locally it is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    [ENV.stage]: 'local',
    [ENV.p100BaseUrl]: o.p100BaseUrl,
    [ENV.apiKeySecretId]: LOCAL_SECRET_IDS.apiKey,
    [ENV.webhookTokenSecretId]: LOCAL_SECRET_IDS.webhookToken,
    [ENV.idempotencyTable]: LOCAL_TABLES.idempotency.name,
    [ENV.ledgerTable]: LOCAL_TABLES.ledger.name,
    [ENV.inboxTable]: LOCAL_TABLES.inbox.name,
  });
  const { routes, missing } = suiteRoutes(o.extraRoutes);
  const gateway = await startGateway({ port: o.port ?? 0, routes });
  return {
    gateway,
    secrets,
    dynamo,
    missing,
    close: async () => {
      await gateway.close();
      await secrets.close();
      await dynamo.close();
    },
  };
}
