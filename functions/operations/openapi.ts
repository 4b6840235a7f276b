import { openApiHandler } from '../../shared/index.js';

export const handler = openApiHandler;
