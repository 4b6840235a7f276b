export { P100Client } from './client.js';
export type { P100ClientOptions, P100Request, P100Response, AttemptInfo } from './client.js';
export * from './errors.js';
export { fullJitterDelay, retryAfterMs } from './retry-timing.js';
export { resolveUpstream, fillPath, parseOverrides } from './upstream.js';
