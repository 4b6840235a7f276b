import type { LambdaClient } from '@aws-sdk/client-lambda';
import { ENV, readEnv } from '../config/env.js';

/** What startReconciliation sends to the reconcile function. */
export interface ReconcilePayload {
  runId: string;
}

/** Starts the reconcile function without waiting for it (Lambda async invoke; in-process locally). */
export interface ReconcileInvoker {
  invoke(payload: ReconcilePayload): Promise<void>;
}

/** AWS: `InvocationType: Event` on RECONCILE_FUNCTION_NAME (Lambda queues it and retries it twice). */
export class LambdaReconcileInvoker implements ReconcileInvoker {
  /** client-lambda is loaded on first use (`import()`), not at layer load (bench B2); a failed load is retried. */
  #sdk: Promise<{ sdk: typeof import('@aws-sdk/client-lambda'); client: LambdaClient }> | undefined;
  async invoke(payload: ReconcilePayload): Promise<void> {
    const name = readEnv(ENV.reconcileFunctionName);
    if (!name) throw new Error(`${ENV.reconcileFunctionName} is not set`);
    this.#sdk ??= import('@aws-sdk/client-lambda').then((sdk) => ({ sdk, client: new sdk.LambdaClient({}) }));
    this.#sdk.catch(() => (this.#sdk = undefined));
    const { sdk, client } = await this.#sdk;
    const out = await client.send(
      new sdk.InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    if (out.StatusCode !== 202) throw new Error(`Async invoke of ${name} answered ${out.StatusCode ?? 'no status'}`);
  }
}

let invoker: ReconcileInvoker | undefined;

export function reconcileInvoker(): ReconcileInvoker {
  invoker ??= new LambdaReconcileInvoker();
  return invoker;
}

/** Installs another invoker (the local runner runs the job in-process). */
export function setReconcileInvoker(i: ReconcileInvoker | undefined): void {
  invoker = i;
}
