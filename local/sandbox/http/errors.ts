/**
 * The P100 business error: `{ errorCode, errorName, errorMessage? }` with the HTTP status the
 * reference (or ASSUMPTIONS §D) gives it. Handlers throw it; the server turns it into the body.
 */
export class P100Error extends Error {
  readonly errorCode: string;
  readonly errorName: string;
  readonly httpStatus: number;

  constructor(errorCode: string, errorName: string, httpStatus: number, message?: string) {
    super(message ?? errorName);
    this.name = 'P100Error';
    this.errorCode = errorCode;
    this.errorName = errorName;
    this.httpStatus = httpStatus;
  }

  toBody(): Record<string, string> {
    const body: Record<string, string> = { errorCode: this.errorCode, errorName: this.errorName };
    if (this.message && this.message !== this.errorName) body['errorMessage'] = this.message;
    return body;
  }
}

/** Named constructors, one per code, so a handler reads like the error table. */
export const Errors = {
  validation: (msg: string) => new P100Error('P403', 'validation-error', 400, msg),
  invalidCurrency: (msg = 'currency not found') => new P100Error('P410', 'invalid-currency', 400, msg),
  userExists: () => new P100Error('P411', 'user-exists', 400),
  invalidUser: () => new P100Error('P412', 'invalid-user', 400, 'User not exist'),
  sourceOrDestinationRequired: () =>
    new P100Error('P424', 'source-or-destination-required', 400, 'sourceExternalUserId or destinationExternalUserId is required'),
  invalidFileType: () => new P100Error('P426', 'invalid-file-type', 400, 'Invalid file type'),
  sepaTransferNotFound: () => new P100Error('P428', 'sepa-transfer-not-found', 404),
  insufficientFunds: () => new P100Error('P433', 'insufficient-funds', 400),
  invalidCard: () => new P100Error('P434', 'invalid-card', 400, 'Card not exist'),
  fileTooLarge: () => new P100Error('P440', 'file-too-large', 400, 'File too large'),
  poaAlreadyVerified: () => new P100Error('P447', 'poa-already-verified', 400, 'POA already verified'),
  userSuspended: () => new P100Error('P455', 'user-suspended', 400),
  userNotVerified: () => new P100Error('P459', 'user-not-verified', 400),
  userNotExtended: () => new P100Error('P461', 'user-not-extended', 400),
  cardLimitReached: () => new P100Error('P462', 'card-limit-reached', 400, 'At most 10 active or locked cards'),
  cardCreationLimit: (window: string) => new P100Error('P463', 'card-creation-limit', 400, `Card creation limit reached (${window})`),
  lockExpired: () => new P100Error('P464', 'lock-expired', 400),
  lockNotFound: (msg = 'lock not found') => new P100Error('P465', 'lock-not-found', 400, msg),
  notFound: (what: string) => new P100Error('P466', 'not-found', 404, `${what} not found`),
  kycModelRequired: () => new P100Error('P467', 'kyc-model-required', 400),
  unknownException: () => new P100Error('P500', 'unknown-exception', 400, 'Unknown exception'),
  serviceUnavailable: () => new P100Error('P501', 'service-temporarily-unavailable', 400, 'Service temporarily unavailable'),
};

/** Thrown by control routes: plain 4xx JSON `{ error }`, not a P100 error body. */
export class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
  }
}
