import type { Context } from 'aws-lambda';
import type { Operation, OperationInput } from '../catalog/types.js';
import type { P100Client } from '../p100/client.js';

/**
 * The shape of an operation's implementation, apart from the handler that runs it: the wrappers
 * (shared/idempotency/, shared/ledger-recording/) and the custom implementations take and return these,
 * and the handler composes them, so none of them needs to import the handler.
 */

/** What an operation's implementation gets besides its validated input. */
export interface OperationContext {
  op: Operation;
  requestId: string;
  /** Epoch ms by which upstream work must be done (Lambda remaining time less a margin). */
  deadline: number;
  client: () => P100Client;
  headers: Record<string, string | undefined>;
  /** Who called (shared/http/operator.ts): what the operators' audit trail records. */
  operator: string;
  lambda: Context;
}

export interface OperationResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: each implementation narrows its own input type; parameters are contravariant, so the shared type must accept every input shape
export type OperationImpl = (input: OperationInput<any, any, any>, ctx: OperationContext) => Promise<OperationResult>;
