export { operationHandler, callUpstream, requestStack } from './operation-handler.js';
export type { OperationContext } from './operation-impl.js';
