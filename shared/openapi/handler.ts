import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { openApiDocument } from './document.js';

let cached: string | undefined;

/**
 * `GET /openapi.json`: the document generated from the catalog the function was built with
 * (built once per container).
 */
export async function openApiHandler(): Promise<APIGatewayProxyStructuredResultV2> {
  cached ??= JSON.stringify(openApiDocument());
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300' }, body: cached };
}
