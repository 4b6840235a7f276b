import { prepareReconcileJob, reconcileUsersHandler } from '../../shared/index.js';

// Init: what every user batch needs.
await prepareReconcileJob({ fansOut: false });

export const handler = reconcileUsersHandler;
