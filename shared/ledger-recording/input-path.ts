import type { OperationInput } from '../catalog/types.js';

/** Reads a dotted path (`body.amount`, `params.externalUserId`) from the validated input; strings only. */
export function readPath(input: OperationInput<unknown, unknown, unknown>, path: string | undefined): string | undefined {
  if (!path) return undefined;
  let cur: unknown = input;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}
