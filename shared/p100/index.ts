export { P100Client } from './client.js';
export { setP100Client } from './container-client.js';
export type { P100Request, AttemptInfo } from './client.js';
export { P100AuthError, P100BusinessError, P100OutcomeUnknownError, P100TransportError } from './errors.js';
