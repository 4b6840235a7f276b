import { reconcileHandler } from '../../shared/index.js';

export const handler = reconcileHandler;
