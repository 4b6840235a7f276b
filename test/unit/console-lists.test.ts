/**
 * The console keeps copies of three server lists so its bundle need not carry the catalogs: the webhooks,
 * the inbox states and the discrepancy classes. A list that drifts from the server would hide a filter
 * choice or a chart colour; this keeps them equal.
 */
import { describe, expect, it } from 'vitest';
import { DISCREPANCY_CLASSES as consoleClasses, INBOX_STATES as consoleStates, WEBHOOKS } from '../../console/src/types.js';
import { INBOX_STATES } from '../../shared/store/inbox.js';
import { DISCREPANCY_CLASSES } from '../../shared/store/reconciliation.js';
import { webhooks } from '../../shared/webhooks/catalog.js';

describe('the console lists equal the server lists', () => {
  it('webhooks', () => {
    expect([...WEBHOOKS].sort()).toEqual(webhooks.map((w) => w.name).sort());
  });
  it('inbox states', () => {
    expect([...consoleStates]).toEqual([...INBOX_STATES]);
  });
  it('discrepancy classes', () => {
    expect([...consoleClasses]).toEqual([...DISCREPANCY_CLASSES]);
  });
});
