export { operationHandler, callUpstream, validatedInput, idempotencyKeySchema, requestStack } from './operation-handler.js';
export type { OperationHandlerOptions } from './operation-handler.js';
export type { OperationContext, OperationResult, OperationImpl } from './operation-impl.js';
export { HttpProblem, problemResponse, problemType, validationProblem } from './problem.js';
export type { ProblemDetails, FieldProblem } from './problem.js';
export { toProblem } from './error-map.js';
export { requestContext, problemErrors, jsonBody, requestState } from './middlewares.js';
export { p100Client, setP100Client, prefetchApiKey } from './runtime.js';
export { issuesToProblems, check } from './validation.js';
