import { getTimelineImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getTimeline'), { impl: getTimelineImpl });
