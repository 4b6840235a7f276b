import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config/env.js';

/** The lib-dynamodb module (its command classes), loaded on first use. */
export type DynamoLib = typeof import('@aws-sdk/lib-dynamodb');

let override: DynamoDBDocumentClient | undefined;
let lib: Promise<DynamoLib> | undefined;
let client: Promise<DynamoDBDocumentClient> | undefined;

/**
 * client-dynamodb and lib-dynamodb are loaded with `import()` on the first DynamoDB call, not at module
 * load: the layer is one module, and loading them at init cost every function (also those that never touch
 * DynamoDB) about one Secrets Manager client's worth of cold start (bench B2). Type-only imports are free.
 */
function dynamoLib(): Promise<DynamoLib> {
  lib ??= import('@aws-sdk/lib-dynamodb');
  return lib;
}

/**
 * The container's DynamoDB document client. Locally the SDK reaches dynalite through
 * AWS_ENDPOINT_URL_DYNAMODB; nothing here knows the difference.
 */
export function documentClient(): Promise<DynamoDBDocumentClient> {
  if (override) return Promise.resolve(override);
  if (!client) {
    client = Promise.all([import('@aws-sdk/client-dynamodb'), dynamoLib()]).then(([c, l]) =>
      l.DynamoDBDocumentClient.from(new c.DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    );
    // A failed load is not memoised, so the next request tries again.
    client.catch(() => (client = lib = undefined));
  }
  return client;
}

/** The document client and the command classes, for `doc.send(new lib.GetCommand(...))`. */
export async function dynamo(): Promise<{ doc: DynamoDBDocumentClient; lib: DynamoLib }> {
  const [doc, l] = await Promise.all([documentClient(), dynamoLib()]);
  return { doc, lib: l };
}

export function setDocumentClient(c: DynamoDBDocumentClient | undefined): void {
  override = c;
}

/** Round trips made to DynamoDB by this container (benchmark B6 reads it). */
export const roundTrips = { count: 0 };

export function tableName(envName: string): string {
  return requireEnv(envName);
}

export function isConditionFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}
