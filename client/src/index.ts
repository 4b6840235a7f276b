/** @p100-suite/client: the typed client of the P100 partner suite, generated from its catalog. */
export { createClient, metadataOf, operationIds, type ClientOptions, type P100Client, type RawInput } from './client.js';
export { regionOfUrl, signRequest, type Auth, type AwsCredentials } from './auth.js';
export {
  AbortError,
  ConnectionError,
  DeadlineError,
  OutcomeUnknownError,
  ProblemError,
  ResponseShapeError,
  type ConnectionFailure,
  type FieldError,
  type LedgerRef,
  type Problem,
} from './errors.js';
export { EVENT_SOURCE, EventParseError, eventTypes, isEventOf, parseEvent } from './events.js';
export type {
  CallOptions,
  Json,
  OperationId,
  OperationInput,
  OperationOutput,
  P100Event,
  P100EventOf,
  P100EventType,
  PagedOperationId,
  ResponseMetadata,
} from './types.js';
