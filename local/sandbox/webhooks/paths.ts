/** Partner-side webhook paths (ASSUMPTIONS §E). One table so a path change is one edit. */
export const WebhookPaths = {
  userStatus: '/webhook/user/status',
  kycFileAdded: '/webhook/kyc-file/status',
  poaVerificationStatus: '/webhook/poa-verification/status',
  kycVerificationStatus: '/webhook/kyc-verification/status',
  p2pTransfer: '/webhook/p2p-transfer/status',
  sepaTransfer: '/webhook/sepa-transfer/status',
  sepaDeposit: '/webhook/sepa-deposit/status',
  cryptoWithdrawal: '/webhook/crypto-withdrawal/status',
  cryptoDeposit: '/webhook/crypto-deposit/status',
  exchange: '/webhook/exchange/status',
  cardTransaction: '/webhook/card/transaction',
  card3dsCode: '/webhook/card/3ds-code',
  cardActivationCode: '/webhook/card/activation-code',
  ibanStatus: '/webhook/iban/status',
} as const;
