import { ENV, p100BaseUrl, readEnv } from '../config/env.js';
import { P100Client } from './client.js';
import { apiKeyFromSecret, secretCache } from '../secrets/index.js';

let client: P100Client | undefined;

function apiKeySecretId(): string {
  const id = readEnv(ENV.apiKeySecretId);
  if (!id) throw new Error(`${ENV.apiKeySecretId} is not set`);
  return id;
}

/** The container's P100 client: base URL by stage, API key from Secrets Manager (cached, refreshed on 401). */
export function p100Client(): P100Client {
  client ??= new P100Client({
    baseUrl: p100BaseUrl(),
    apiKey: async () => apiKeyFromSecret(await secretCache().get(apiKeySecretId())),
    refreshApiKey: async () => apiKeyFromSecret(await secretCache().refresh(apiKeySecretId())),
  });
  return client;
}

/** Replaces the container's client (tests, benchmarks). */
export function setP100Client(c: P100Client | undefined): void {
  client = c;
}

/** Starts fetching the API key at cold start, so the first request finds it cached; settles when fetched (or failed). */
export function prefetchApiKey(): Promise<void> {
  return secretCache().prefetch(readEnv(ENV.apiKeySecretId));
}
