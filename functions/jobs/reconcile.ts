import { prepareReconcileJob, reconcileHandler } from '../../shared/index.js';

// Init: what every run needs (the run fans the user sweep out to SQS).
await prepareReconcileJob({ fansOut: true });

export const handler = reconcileHandler;
