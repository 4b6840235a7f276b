import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * GET /webhook/health: 200 `{"status":"ok"}`, no auth (webhooks.md: the FAQ names the route). A module of its
 * own: the probe's cold start loads nothing of the receivers (no token, no inbox, no logger; bench B2).
 */
export function webhookHealthHandler() {
  return async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'ok' }),
  });
}
