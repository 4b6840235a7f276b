/**
 * `npm run openapi`: writes the OpenAPI document generated from the catalog to `openapi.json` at the
 * repository root (committed, so a change to the API shows up in review as a diff of this file).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from './document.js';

export const OPENAPI_FILE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../openapi.json');

export function serialiseOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, serialiseOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
