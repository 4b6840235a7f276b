import { getTimelineImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('getTimeline'), { impl: getTimelineImpl });
