import type {
  BatchGetCommand,
  BatchGetCommandOutput,
  BatchWriteCommand,
  BatchWriteCommandOutput,
  DeleteCommand,
  DeleteCommandOutput,
  GetCommand,
  GetCommandOutput,
  PutCommand,
  PutCommandOutput,
  QueryCommand,
  QueryCommandOutput,
  ScanCommand,
  ScanCommandOutput,
  UpdateCommand,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo, type DynamoLib, isConditionFailed, roundTrips } from './client.js';

/**
 * The one way the store talks to DynamoDB: every round trip is counted (bench B6 reads `roundTrips`), the
 * client and command classes are loaded on first use (client.ts says why), and a failed condition is an
 * answer, not an error.
 *
 * The command is built by the caller, `(lib) => new lib.PutCommand(...)`, for two reasons: the command
 * classes arrive with the lazily loaded module, and the `new <X>Command(...)` stays in the function that
 * means it, where test/infra/table-grants.test.ts reads which IAM actions each code path needs.
 *
 * @example
 * const created = await sendConditional((lib) => new lib.PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
 * const { Item } = await send((lib) => new lib.GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
 * await send((lib) => new lib.UpdateCommand({ TableName: table(), Key: key, ...updateExpression({ set: { status: 'DONE' }, add: { tries: 1 } }) }));
 */

/** The document-client commands the store sends. */
export type DocCommand = GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | ScanCommand | BatchGetCommand | BatchWriteCommand;

/** What `send` answers for a command. */
export type OutputOf<C extends DocCommand> = C extends GetCommand
  ? GetCommandOutput
  : C extends PutCommand
    ? PutCommandOutput
    : C extends UpdateCommand
      ? UpdateCommandOutput
      : C extends DeleteCommand
        ? DeleteCommandOutput
        : C extends QueryCommand
          ? QueryCommandOutput
          : C extends ScanCommand
            ? ScanCommandOutput
            : C extends BatchGetCommand
              ? BatchGetCommandOutput
              : BatchWriteCommandOutput;

/** One counted round trip. The SDK's `send` overloads do not accept a union of commands, hence the cast. */
export async function send<C extends DocCommand>(build: (lib: DynamoLib) => C): Promise<OutputOf<C>> {
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  return (await doc.send(build(lib) as never)) as OutputOf<C>;
}

/** A conditional write's output, or undefined when its condition failed (ConditionalCheckFailedException). */
export async function sendIfConditionHolds<C extends DocCommand>(build: (lib: DynamoLib) => C): Promise<OutputOf<C> | undefined> {
  try {
    return await send(build);
  } catch (e) {
    if (isConditionFailed(e)) return undefined;
    throw e;
  }
}

/** A conditional write: true when it was written, false when its condition failed; any other error is thrown. */
export async function sendConditional<C extends DocCommand>(build: (lib: DynamoLib) => C): Promise<boolean> {
  return (await sendIfConditionHolds(build)) !== undefined;
}

/** What `updateExpression` builds, to spread into an UpdateCommand's input. */
export interface UpdateExpressionParts {
  UpdateExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export interface UpdateSpec {
  /** attribute → value: `#a = :a`. An undefined value is left out (the attribute is not touched). */
  set?: Readonly<Record<string, unknown>>;
  /** attribute → value written only where the attribute is absent: `#a = if_not_exists(#a, :a)`. Undefined left out. */
  setIfAbsent?: Readonly<Record<string, unknown>>;
  /** SET clauses written out (`list_append`, nested paths, ...), using placeholders given in `names`/`values`. */
  setClauses?: readonly string[];
  /** attribute → number added: `ADD #a :a`. */
  add?: Readonly<Record<string, number>>;
  /** Attributes removed: `REMOVE #a`. */
  remove?: readonly string[];
  /** Further placeholders, for `setClauses` and the command's ConditionExpression. */
  names?: Readonly<Record<string, string>>;
  values?: Readonly<Record<string, unknown>>;
}

const PLAIN_ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds an UpdateExpression with its placeholder maps: attribute `a` is written `#a` and its value `:a`,
 * so no attribute name ever meets DynamoDB's reserved words (`status`, `name`, ...). Empty maps are left
 * out (DynamoDB rejects an empty ExpressionAttributeValues).
 *
 * @example
 * updateExpression({ set: { phase: 'sweep' }, add: { pages: 1 }, remove: ['verify'] })
 * // → { UpdateExpression: 'SET #phase = :phase ADD #pages :pages REMOVE #verify',
 * //     ExpressionAttributeNames: { '#phase': 'phase', '#pages': 'pages', '#verify': 'verify' },
 * //     ExpressionAttributeValues: { ':phase': 'sweep', ':pages': 1 } }
 */
export function updateExpression(spec: UpdateSpec): UpdateExpressionParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (attribute: string): string => {
    // A generated placeholder must be a plain word; a path or odd name belongs in `setClauses` with `names`.
    if (!PLAIN_ATTRIBUTE.test(attribute)) throw new Error(`updateExpression: "${attribute}" is no plain attribute name; write it in setClauses with names`);
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const value = (attribute: string, v: unknown): string => {
    values[`:${attribute}`] = v;
    return `:${attribute}`;
  };
  const defined = (r: Readonly<Record<string, unknown>> | undefined) => Object.entries(r ?? {}).filter(([, v]) => v !== undefined);
  const sets = [
    ...defined(spec.set).map(([a, v]) => `${name(a)} = ${value(a, v)}`),
    ...defined(spec.setIfAbsent).map(([a, v]) => `${name(a)} = if_not_exists(${name(a)}, ${value(a, v)})`),
    ...(spec.setClauses ?? []),
  ];
  const adds = Object.entries(spec.add ?? {}).map(([a, v]) => `${name(a)} ${value(a, v)}`);
  const removes = (spec.remove ?? []).map(name);
  for (const [k, v] of Object.entries(spec.names ?? {})) {
    if (k in names && names[k] !== v) throw new Error(`updateExpression: placeholder ${k} names both ${names[k]} and ${v}`);
    names[k] = v;
  }
  for (const [k, v] of Object.entries(spec.values ?? {})) {
    if (k in values && values[k] !== v) throw new Error(`updateExpression: placeholder ${k} given two values`);
    values[k] = v;
  }
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  if (!clauses.length) throw new Error('updateExpression: nothing to update');
  return {
    UpdateExpression: clauses.join(' '),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
