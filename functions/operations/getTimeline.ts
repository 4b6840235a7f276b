import { getOperation, getTimelineImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('getTimeline'), { impl: getTimelineImpl });
