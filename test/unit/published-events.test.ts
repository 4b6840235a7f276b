import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventContractError, publishedEvent, publishedEvents, type PublishedDetailType } from '../../shared/events/published.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { lifecycles } from '../../shared/webhooks/lifecycles.js';

/** The suite's own states, never reported by P100 and never published. */
const OWN = new Set(['UNKNOWN', 'RESOLVED']);

interface DocRow {
  webhook: string;
  detailType: string;
  statuses: string[];
}

/** The "detail-type per webhook" table of EVENTS.md: webhook, detail-type, the upper-case words of the status cell. */
function eventsMdRows(): DocRow[] {
  const md = readFileSync(new URL('../../shared/webhooks/EVENTS.md', import.meta.url), 'utf8');
  const section = md.split('## detail-type per webhook')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^\| .* \| `p100\./.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      const statusCell = (cells[4] ?? '').replace(/`[^`]*`/g, '');
      return { webhook: cells[1] ?? '', detailType: (cells[2] ?? '').replace(/`/g, ''), statuses: statusCell.match(/\b[A-Z][A-Z_]{2,}\b/g) ?? [] };
    });
}

function statusesOf(t: PublishedDetailType): string[] {
  const shape = publishedEvents[t].detail.shape as Record<string, unknown>;
  const status = shape.status as { options?: string[] } | undefined;
  return status?.options ? [...status.options] : [];
}

describe('the published-event table (shared/events/published.ts)', () => {
  it('EVENTS.md lists exactly its detail-types, with their webhooks and statuses', () => {
    const rows = eventsMdRows();
    expect(rows.map((r) => r.detailType).sort()).toEqual(Object.keys(publishedEvents).sort());
    for (const row of rows) {
      const t = row.detailType as PublishedDetailType;
      expect({ t, webhook: row.webhook.startsWith('—') ? null : row.webhook }).toEqual({ t, webhook: publishedEvents[t].webhook });
      expect({ t, statuses: [...row.statuses].sort() }).toEqual({ t, statuses: statusesOf(t).sort() });
    }
  });

  it('every webhook of the catalog publishes under its detail-type, with the statuses its lifecycle allows', () => {
    for (const w of webhooks) {
      const entry = Object.entries(publishedEvents).find(([, r]) => r.webhook === w.name);
      expect(entry?.[0], w.name).toBe(w.detailType);
      const lc = w.lifecycle ? lifecycles[w.lifecycle] : undefined;
      expect(statusesOf(w.detailType as PublishedDetailType).sort(), w.name).toEqual(lc ? lc.states.filter((s) => !OWN.has(s)).sort() : []);
    }
    const card = lifecycles.card;
    expect(card.detailType).toBe('p100.card.status-changed');
    expect(statusesOf('p100.card.status-changed').sort()).toEqual(card.states.filter((s) => !OWN.has(s)).sort());
  });

  it('publishedEvent passes a detail of the table and refuses any other, naming paths but never values', () => {
    const detail = {
      version: '1',
      eventId: 'a'.repeat(64),
      webhook: 'exchange',
      entityId: 'ex-1',
      status: 'COMPLETED',
      occurredAt: '2026-12-02T00:00:00.000Z',
      source: 'webhook',
      data: { exchangeId: 'ex-1', amount: '10.00', extra: { kept: true }, gone: undefined },
    };
    expect(publishedEvent('p100.exchange.status-changed', detail)).toEqual({ detailType: 'p100.exchange.status-changed', detail });
    expect(() => publishedEvent('p100.exchange.status-changed', { ...detail, status: 'SETTLED' })).toThrow(EventContractError);
    expect(() => publishedEvent('p100.exchange.status-changed', { ...detail, webhook: 'p2pTransfer' })).toThrow(/webhook/);
    expect(() => publishedEvent('p100.nothing', detail)).toThrow(/not in shared\/events/);
    // P100's payload never holds an event back: any JSON object passes at publish time...
    const odd = { ...detail, webhook: 'card3dsCode', data: { code: { nested: ['123456'] } } };
    expect(() => publishedEvent('p100.card.3ds-code', odd)).not.toThrow();
    // ...while the suite's own fields must match, and the error names paths, never values.
    try {
      publishedEvent('p100.card.3ds-code', { ...odd, entityId: 424242 });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).toContain('entityId');
      expect(String(e)).not.toContain('424242');
    }
  });
});
