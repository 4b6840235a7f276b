import { contractCanaryHandler } from '../../shared/index.js';

export const handler = contractCanaryHandler;
