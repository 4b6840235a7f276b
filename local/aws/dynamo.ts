import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** The suite's tables and their keys, as infra/ creates them in AWS (dynalite has no TTL expiry and no transactions). */
export const LOCAL_TABLES = {
  idempotency: { name: 'p100-idempotency', sortKey: false, gsi: false },
  ledger: { name: 'p100-ledger', sortKey: true, gsi: true },
  inbox: { name: 'p100-inbox', sortKey: true, gsi: true },
} as const;

/** Starts dynalite in memory on a loopback port and creates the suite's tables. */
export async function startDynamo(port = 0): Promise<LocalDynamo> {
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await createTables(endpoint);
  return {
    endpoint,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function createTables(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const t of Object.values(LOCAL_TABLES)) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: t.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            ...(t.sortKey ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : []),
            ...(t.gsi
              ? [
                  { AttributeName: 'gsi1pk', AttributeType: 'S' as const },
                  { AttributeName: 'gsi1sk', AttributeType: 'S' as const },
                ]
              : []),
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(t.sortKey ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
          ...(t.gsi
            ? {
                GlobalSecondaryIndexes: [
                  {
                    IndexName: 'gsi1',
                    KeySchema: [
                      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
                    ],
                    Projection: { ProjectionType: 'ALL' },
                  },
                ],
              }
            : {}),
        }),
      );
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
  }
  client.destroy();
}
