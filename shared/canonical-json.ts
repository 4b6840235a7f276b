/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so two values that mean the
 * same thing serialise to the same text whatever their key order. One definition for every key the suite
 * derives from a payload: idempotency fingerprints (shared/idempotency/fingerprint.ts) and webhook dedup keys
 * (shared/webhooks/event.ts `dedupKey`); two spellings would let the same payload print differently.
 *
 * Recursive: callers bound the depth first (request bodies and webhook bodies are refused past 64 / 32 levels).
 *
 * @example
 * canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }) // '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
