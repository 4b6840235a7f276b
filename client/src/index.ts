/** @p100-suite/client: the typed client of the P100 partner suite, generated from its catalog. */
export { createClient, operationIds, type ClientOptions, type P100Client, type RawInput } from './client.js';
export { regionOfUrl, signRequest, type Auth, type AwsCredentials } from './auth.js';
export { DeadlineError, OutcomeUnknownError, ProblemError, ResponseShapeError, type FieldError, type LedgerRef, type Problem } from './errors.js';
export { EVENT_SOURCE, EventParseError, eventTypes, isEventOf, parseEvent, type P100Event, type P100EventOf, type P100EventType } from './events.js';
export { stageBaseUrl, stackNameOf } from './stage.js';
export type { CallOptions, Json, OperationId, OperationInput, OperationOutput, PagedOperationId } from './types.js';
