import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config/env.js';

let doc: DynamoDBDocumentClient | undefined;

/**
 * The container's DynamoDB document client. Locally the SDK reaches dynalite through
 * AWS_ENDPOINT_URL_DYNAMODB; nothing here knows the difference.
 */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return doc;
}

export function setDocumentClient(c: DynamoDBDocumentClient | undefined): void {
  doc = c;
}

/** Round trips made to DynamoDB by this container (benchmark B6 reads it). */
export const roundTrips = { count: 0 };

export function tableName(envName: string): string {
  return requireEnv(envName);
}

export function isConditionFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}
