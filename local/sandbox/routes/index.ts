import { Router } from '../http/router.js';
import { registerPartnerRoutes } from './partner.js';
import { registerUserRoutes } from './user-routes.js';
import { registerKycRoutes } from './kyc.js';
import { registerExchangeRoutes } from './exchange.js';
import { registerCryptoRoutes } from './crypto.js';
import { registerTransferRoutes } from './transfers.js';
import { registerSepaRoutes } from './sepa.js';
import { registerCardRoutes } from './cards.js';

/** Every P100 Partner API route of ASSUMPTIONS table B. */
export function createApiRouter(): Router {
  const r = new Router();
  registerPartnerRoutes(r);
  registerUserRoutes(r);
  registerKycRoutes(r);
  registerExchangeRoutes(r);
  registerCryptoRoutes(r);
  registerTransferRoutes(r);
  registerSepaRoutes(r);
  registerCardRoutes(r);
  return r;
}
