import { reconcileUsersHandler } from '../../shared/index.js';

export const handler = reconcileUsersHandler;
