/**
 * Currencies, precision, networks and fees as the reference shows them on staging. The values are
 * deterministic defaults; rates and network fees can be overridden through `POST /_sandbox/config`.
 */
export interface NetworkConfig {
  /** Key used in `networkConfig` (`ethereum`, `polygon`, `btc`...). */
  key: string;
  /** Chain name on staging (`sepolia`, `amoy`, `test`). */
  name: string;
  feeWithdrawal: string;
  minWithdrawal: string;
  minDeposit: string;
  /** Default dynamic network fee (Get Network Fee), overridable. */
  networkFee: string;
}

export interface CurrencyDef {
  slug: string;
  kind: 'fiat' | 'crypto';
  scale: number;
  /** Value of one unit in EUR (decimal string). */
  eurRate: string;
  /** First entry is the default network. */
  networks: NetworkConfig[];
}

const net = (key: string, name: string, feeWithdrawal: string, minWithdrawal: string, minDeposit: string, networkFee: string): NetworkConfig => ({
  key,
  name,
  feeWithdrawal,
  minWithdrawal,
  minDeposit,
  networkFee,
});

export const CURRENCIES: readonly CurrencyDef[] = [
  { slug: 'eur', kind: 'fiat', scale: 2, eurRate: '1', networks: [] },
  { slug: 'btc', kind: 'crypto', scale: 8, eurRate: '102178.03394219', networks: [net('btc', 'test', '0.0003', '0.0005', '0.0001', '0.00002')] },
  { slug: 'eth', kind: 'crypto', scale: 8, eurRate: '3160.21051755', networks: [net('ethereum', 'sepolia', '0.003', '0.006', '0.001', '0.0004')] },
  { slug: 'ltc', kind: 'crypto', scale: 8, eurRate: '85.12', networks: [net('ltc', 'test', '0.002', '0.01', '0.001', '0.0001')] },
  { slug: 'doge', kind: 'crypto', scale: 8, eurRate: '0.21', networks: [net('doge', 'test', '5', '20', '1', '1')] },
  { slug: 'pol', kind: 'crypto', scale: 8, eurRate: '0.19598695', networks: [net('polygon', 'amoy', '0.5', '1', '0', '0.01')] },
  {
    slug: 'usdc',
    kind: 'crypto',
    scale: 6,
    eurRate: '0.963728',
    networks: [net('ethereum', 'sepolia', '10', '15', '5', '1.2'), net('polygon', 'amoy', '0.5', '15', '5', '0.000469')],
  },
  {
    slug: 'usdt',
    kind: 'crypto',
    scale: 6,
    eurRate: '0.961234',
    networks: [net('ethereum', 'sepolia', '10', '15', '5', '1.2'), net('polygon', 'amoy', '10', '15', '5', '0.000469')],
  },
  { slug: 'eurt', kind: 'crypto', scale: 6, eurRate: '0.998', networks: [net('ethereum', 'sepolia', '10', '15', '5', '1.2')] },
];

const BY_SLUG = new Map(CURRENCIES.map((c) => [c.slug, c]));

/** Looks a currency up case-insensitively (the reference uses `btc` and `BTC`). */
export function findCurrency(input: unknown): CurrencyDef | undefined {
  return typeof input === 'string' ? BY_SLUG.get(input.trim().toLowerCase()) : undefined;
}

/**
 * Resolves a withdrawal `network` (`polygon`, `POLYGON`, `ethereum`...) for a currency; omitted means
 * the default network. `undefined` when the currency does not run on that network.
 */
export function findNetwork(cur: CurrencyDef, input: unknown): NetworkConfig | undefined {
  if (input === undefined || input === null || input === '') return cur.networks[0];
  if (typeof input !== 'string') return undefined;
  const key = input.trim().toLowerCase();
  return cur.networks.find((n) => n.key === key || n.name === key);
}

/** Residents of these countries are flagged `poaRequired` (old site list). */
export const POA_COUNTRIES = new Set(['AM', 'AR', 'AZ', 'GE', 'IL', 'MD', 'UA']);
