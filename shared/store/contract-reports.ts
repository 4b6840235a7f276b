import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional } from './dynamo.js';

/**
 * The latest contract report of the canary (issue 16), one item in the ledger table:
 *
 * | pk | sk | what |
 * |---|---|---|
 * | `CONTRACT#REPORT` | `LATEST` | `startedAt` and the report as JSON text (a few tens of KB, far below DynamoDB's 400 KB) |
 *
 * Only the latest is kept: the metric and its alarm hold the history, the report the evidence of now.
 */
const table = () => tableName(ENV.ledgerTable);
const LATEST = { pk: 'CONTRACT#REPORT', sk: 'LATEST' } as const;

/** Stores the report unless a newer run's is already there (a late run never hides a newer answer). */
export async function putLatestContractReport(startedAt: string, reportJson: string): Promise<boolean> {
  return sendConditional(
    (lib) =>
      new lib.PutCommand({
        TableName: table(),
        Item: { ...LATEST, startedAt, report: reportJson },
        ConditionExpression: 'attribute_not_exists(pk) OR startedAt <= :s',
        ExpressionAttributeValues: { ':s': startedAt },
      }),
  );
}

/** The stored report's JSON text, or undefined before the first run. */
export async function getLatestContractReport(): Promise<string | undefined> {
  const { Item } = await send((lib) => new lib.GetCommand({ TableName: table(), Key: LATEST, ConsistentRead: true }));
  return typeof Item?.report === 'string' ? Item.report : undefined;
}
