/**
 * Every Lambda function the suite deploys. The list itself lives in shared/functions.ts (plain data, no CDK),
 * so the local runner builds its routes, queue consumers and schedule from the very same list; the build
 * (infra/build.ts) and the stacks read it through here.
 */
export {
  functionSpecs,
  functionRoutes,
  webhookFunctionName,
  webhookHealthEntry,
  openApiPath,
  openApiEntry,
  type FunctionSpec,
  type FunctionRoute,
} from '../../shared/functions.js';

/** The client layer barrel: the only module functions import from `shared/`. */
export const layerEntry = 'shared/index.ts';
