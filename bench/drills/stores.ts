import { LOCAL_TABLES } from '../../local/aws/dynamo.js';
import { dynamo } from '../../shared/store/client.js';
import type { TestSuite } from '../../test/support/suite.js';
import type { SensitiveValue } from './secrets.js';

/**
 * Everything that holds data after a run (issue 12, deliver 4), as text to search: every item of every
 * table (dynalite), every message the queues carried, every bus event, the reconciliation report as the
 * operator reads it, the upload bucket's object metadata (and bodies: the documents themselves), the
 * problem bodies answered, and the logs. Each piece keeps its location, so a hit says where it lives.
 */

export type Store = 'table' | 'queue' | 'bus' | 'report' | 's3-metadata' | 's3-object' | 'problem' | 'log';
export const STORES: readonly Store[] = ['table', 'queue', 'bus', 'report', 's3-metadata', 's3-object', 'problem', 'log'];

export interface StoreText {
  store: Store;
  location: string;
  text: string;
}

/**
 * Where the classification lets a personal value rest in clear, and why. Nothing else may hold one: at rest
 * personal data is sealed or masked. Secrets have no such place.
 */
export const PERSONAL_ALLOWED: Readonly<Partial<Record<Store, string>>> = {
  's3-object': 'the identity/POA document itself, in the encrypted upload bucket until its 1-day lifecycle removes it (ASSUMPTIONS.md H8, H13)',
};

/**
 * Secrets that reach the company by design, and only there: the card codes on their own bus events (the
 * company app shows them to the cardholder; shared/webhooks/EVENTS.md says how a company narrows that).
 */
export const SECRETS_DELIVERED: readonly { kinds: readonly string[]; store: Store; locationPrefixes: readonly string[]; why: string }[] = [
  {
    kinds: ['3DS code', 'activation code'],
    store: 'bus',
    locationPrefixes: ['p100.card.3ds-code/', 'p100.card.activation-code/'],
    why: 'delivered to the company app by design (EVENTS.md)',
  },
];

/** Reads every store of the local suite (tables by full scan, page by page). */
export async function collectStores(s: TestSuite, extra: readonly StoreText[] = []): Promise<StoreText[]> {
  const out: StoreText[] = [...extra];
  const { doc, lib } = await dynamo();
  for (const t of Object.values(LOCAL_TABLES)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new lib.ScanCommand({ TableName: t.name, ...(start ? { ExclusiveStartKey: start } : {}) }));
      for (const item of page.Items ?? [])
        out.push({ store: 'table', location: `${t.name}/${String(item.pk)}${item.sk !== undefined ? `/${String(item.sk)}` : ''}`, text: JSON.stringify(item) });
      start = page.LastEvaluatedKey;
    } while (start);
  }
  for (const q of [s.local.queues.get('webhook'), s.local.reconciliation.queue]) {
    if (!q) continue;
    for (const m of q.sentLog) out.push({ store: 'queue', location: `${q.name}/${m.messageId}`, text: m.body });
    for (const m of q.dlq) out.push({ store: 'queue', location: `${q.name}-dlq/${m.messageId}`, text: m.body });
  }
  for (const e of s.local.bus.list()) out.push({ store: 'bus', location: `${e.detailType}/${e.id}`, text: JSON.stringify(e) });
  for (const [key, o] of s.local.s3.objects) {
    out.push({ store: 's3-metadata', location: key, text: JSON.stringify({ key, contentType: o.contentType, metadata: o.metadata }) });
    out.push({ store: 's3-object', location: key, text: o.body.toString('latin1') });
  }
  return out;
}

export interface StoreFigures {
  pieces: number;
  bytes: number;
  secretHits: number;
  personalHits: number;
  allowedPersonal: number;
}

export interface StoreScanResult {
  valuesSearched: number;
  perStore: Record<Store, StoreFigures>;
  /** Clear values where they may not be: secrets anywhere, personal values outside PERSONAL_ALLOWED. */
  hits: { kind: string; class: 'secret' | 'personal'; store: Store; location: string }[];
  /** Personal values where the classification allows them, and where exactly. */
  allowed: { kind: string; store: Store; location: string; why: string }[];
  /** Secrets where they are delivered by design (card codes on their own events), and where exactly. */
  delivered: { kind: string; store: Store; location: string; why: string }[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The patterns a value is searched by (short numeric secrets only as JSON strings or `key=value`; PANs also grouped). */
export function patternsOf(v: SensitiveValue): RegExp[] {
  const patterns: RegExp[] = [];
  if (v.quotedOnly) patterns.push(new RegExp(`"${escapeRe(v.value)}"|=${escapeRe(v.value)}(?![0-9])|\\\\"${escapeRe(v.value)}\\\\"`));
  else patterns.push(new RegExp(escapeRe(v.value)));
  if (v.kind === 'PAN') patterns.push(new RegExp(v.value.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1[ -]?')));
  return patterns;
}

/** Searches every piece for every value; counts per store; lists each hit and each allowed personal value. */
export function scanStores(pieces: readonly StoreText[], values: readonly SensitiveValue[]): StoreScanResult {
  const perStore = Object.fromEntries(STORES.map((st) => [st, { pieces: 0, bytes: 0, secretHits: 0, personalHits: 0, allowedPersonal: 0 }])) as Record<
    Store,
    StoreFigures
  >;
  const hits: StoreScanResult['hits'] = [];
  const allowed: StoreScanResult['allowed'] = [];
  const delivered: StoreScanResult['delivered'] = [];
  const compiled = values.map((v) => ({ v, res: patternsOf(v) }));
  for (const p of pieces) {
    const f = perStore[p.store];
    f.pieces++;
    f.bytes += Buffer.byteLength(p.text);
    for (const { v, res } of compiled) {
      if (!res.some((re) => re.test(p.text))) continue;
      const by = SECRETS_DELIVERED.find((d) => d.store === p.store && d.kinds.includes(v.kind) && d.locationPrefixes.some((l) => p.location.startsWith(l)));
      if (v.class === 'secret' && by) {
        delivered.push({ kind: v.kind, store: p.store, location: p.location, why: by.why });
        continue;
      }
      const why = PERSONAL_ALLOWED[p.store];
      if (v.class === 'personal' && why) {
        f.allowedPersonal++;
        allowed.push({ kind: v.kind, store: p.store, location: p.location, why });
      } else {
        if (v.class === 'secret') f.secretHits++;
        else f.personalHits++;
        hits.push({ kind: v.kind, class: v.class, store: p.store, location: p.location });
      }
    }
  }
  return { valuesSearched: values.length, perStore, hits, allowed, delivered };
}
