import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from '../../shared/functions.js';

/**
 * Memory sizes chosen by measurement (issue 28): `npm run bench -- B10` measures one representative function
 * per kind under the Lambda CPU model at 128 to 1,769 MB and writes bench/memory-table.json with the size its
 * rule picks (bench/README.md; budgets in ASSUMPTIONS.md W1, W2). infra/lib/access.ts `sizingFor` and bench B8
 * read the chosen sizes from that committed file, so the deployed settings are the measured ones.
 */
export type SizedKind = 'read' | 'write' | 'money' | 'receiver' | 'processor' | 'job:reconcile' | 'job:reconcileUsers' | 'job:contractCanary';

/** The function B10 measures for each kind. */
export const KIND_REPRESENTATIVES: Readonly<Record<SizedKind, string>> = {
  read: 'getPartnerBalances',
  write: 'createPartnerExchangeLock',
  money: 'createTransfer',
  receiver: 'webhook-exchange',
  processor: 'webhookProcessor',
  'job:reconcile': 'reconcile',
  'job:reconcileUsers': 'reconcileUsers',
  'job:contractCanary': 'contractCanary',
};

export interface MemoryTableRow {
  function: string;
  chosenMb: number;
  reason: string;
  sizes: Record<string, { coldPathMs: number; warmP50Ms: number; warmP99Ms: number; costPerMillionUsd: number; load1m: number }>;
}

export interface MemoryTable {
  generatedAt: string;
  budgets: Record<string, string>;
  kinds: Record<SizedKind, MemoryTableRow>;
}

export const memoryTableFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'memory-table.json');

export function readMemoryTable(file = memoryTableFile): MemoryTable {
  return JSON.parse(readFileSync(file, 'utf8')) as MemoryTable;
}

/** The kind of the memory table a function is sized by; undefined for the health probe and the OpenAPI document. */
export function sizedKindOf(spec: FunctionSpec): SizedKind | undefined {
  switch (spec.kind) {
    case 'operation':
      return spec.operation.kind;
    case 'webhook':
      return 'receiver';
    case 'job':
      switch (spec.job.trigger) {
        case 'webhook-queue':
          return 'processor';
        case 'schedule':
          return 'job:reconcile';
        case 'reconcile-queue':
          return 'job:reconcileUsers';
        case 'contract-schedule':
          return 'job:contractCanary';
      }
      return undefined;
    default:
      return undefined;
  }
}

let cached: MemoryTable | undefined;

/** The measured memory size of a function's kind (bench/memory-table.json); undefined for unsized kinds. */
export function measuredMemoryMb(spec: FunctionSpec): number | undefined {
  const kind = sizedKindOf(spec);
  if (!kind) return undefined;
  cached ??= readMemoryTable();
  const row = cached.kinds[kind];
  if (!row) throw new Error(`bench/memory-table.json has no size for ${kind}: run npm run bench -- B10`);
  return row.chosenMb;
}
