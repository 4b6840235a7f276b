/**
 * client/src/spec.ts is generated from the catalog (client/scripts/spec.ts): the committed file must be what
 * the catalog gives now, or the published types lag the operations (`npm run spec -w @p100-suite/client`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSpec, TARGET } from '../scripts/spec.js';

describe('client/src/spec.ts', () => {
  it('is the catalog expanded (run npm run spec -w @p100-suite/client after changing an operation)', () => {
    expect(readFileSync(TARGET, 'utf8')).toBe(renderSpec());
  }, 120_000);
});
