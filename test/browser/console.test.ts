/**
 * The operator console in a real browser (issue 18): Debian's Chromium driven by playwright-core against
 * the local suite on ephemeral ports, the console built by Vite into a temporary directory and served by
 * the local gateway under the CSP CloudFront sets. A short scenario produces the data an operator meets at
 * 3 a.m.: a user created with an Idempotency-Key, a missed webhook that reconciliation finds and repairs
 * (a discrepancy), and a card transaction whose onward event the bus refuses every time (a dead letter).
 * Every screen is visited, the dead letter is replayed from the page, and no console error may appear.
 * Screenshots go to test/browser/screenshots/ (ignored by git) for review.
 *
 * Skipped, and said so by test/browser/preflight.ts, where no Chromium is installed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild, consoleRoutes } from '../../local/console-site.js';
import { putRun } from '../../shared/store/reconciliation.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const executablePath = chromiumPath();
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const USER = 'ops-jane';
const MISSED = 'ops-missed';
/** Another user with events of its own, so that a search by entity has something to leave out. */
const OTHER = 'ops-other';
const KEY = 'console-create-ops-jane-1';
const POISON = 'ops-tx-poison';
const DEPOSIT = 'ops-deposit-1';
const IBAN = 'DE89370400440532013000';

let s: TestSuite;
let site: ConsoleBuild;
let outDir: string;
let browser: Browser;
let page: Page;
let runId: string;
let deadEventId: string;
const consoleErrors: string[] = [];

async function webhooksSettled(): Promise<void> {
  await s.control('POST', '/_sandbox/settle');
  for (let i = 0; i < 400; i++) {
    const d = await s.control<{ deliveries: unknown[] }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    if (d.deliveries.length === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await s.local.queues.get('webhook')?.idle();
}

async function createUser(id: string, headers: Record<string, string> = {}): Promise<void> {
  const r = await s.call('POST', '/users', {
    body: { externalUserId: id, citizenship: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${id}@example.com` },
    headers,
  });
  expect(r.status, r.text).toBe(201);
}

/** The scenario: real data through the real routes, webhooks and reconciliation. */
async function scenario(): Promise<void> {
  await createUser(USER, { 'idempotency-key': KEY });
  await s.control('POST', `/_sandbox/users/${USER}/activate`, { extended: true });
  await createUser(MISSED);
  await createUser(OTHER);
  await s.control('POST', `/_sandbox/users/${OTHER}/activate`, { extended: true });
  await webhooksSettled();
  // A missed webhook: P100 activates the user while every delivery is dropped.
  await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 1 });
  await s.control('POST', `/_sandbox/users/${MISSED}/activate`, { extended: true });
  // ... and a crypto deposit arrives for the first user, its webhook lost too.
  await s.control('POST', '/_sandbox/deposits/crypto', { depositId: DEPOSIT, externalUserId: USER, currency: 'eth', amount: '0.25' });
  await webhooksSettled();
  await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0 });
  // A dead letter: the bus refuses this transaction's onward event on every receive.
  const stop = s.local.bus.failWhen((e) => e.detail.entityId === POISON);
  try {
    const res = await fetch(`${s.api}/webhook/card/transaction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: s.webhookToken },
      body: JSON.stringify({
        transactionId: POISON,
        externalUserId: USER,
        cardId: 'card-ops-1',
        amount: '9.99',
        currency: 'eur',
        merchantName: `rent ${IBAN}`,
        status: 'AUTHORIZED',
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    });
    expect(res.status).toBe(200);
    deadEventId = String(((await res.json()) as { eventId: string }).eventId);
    await s.local.queues.get('webhook')?.idle();
  } finally {
    stop();
  }
  const dead = await s.call('GET', `/operations/inbox-events/${deadEventId}`);
  expect(dead.body.state, dead.text).toBe('DEAD');
  // Reconciliation finds the missed activation.
  const started = await s.call('POST', '/operations/reconciliation/runs');
  expect(started.status, started.text).toBe(202);
  runId = started.body.runId as string;
  await s.local.reconciliation.idle();
  const report = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=1000`);
  expect(report.body.status, report.text).toBe('COMPLETED');
  const found = report.body.discrepancies as { id: string; class: string }[];
  expect(found.some((d) => d.id === MISSED) && found.some((d) => d.id === DEPOSIT), report.text).toBe(true);
  expect(new Set(found.map((d) => d.class)).size, report.text).toBeGreaterThan(1);
}

async function visit(hash: string, shot: string): Promise<void> {
  const res = await page.goto(`${s.api}/console${hash}`);
  // Served under the CSP CloudFront sets in AWS (console/security.ts): a violation would be a console error.
  // A hash change within the loaded page is no request (null); the first visit loads the document.
  if (res !== null) expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
  else expect(page.url()).toContain('/console#');
  await page.waitForLoadState('networkidle');
  await page.locator('main h1').first().waitFor();
  await page.screenshot({ path: path.join(screenshots, `${shot}.png`), fullPage: true });
}

describe.skipIf(!executablePath)('operator console in Chromium', () => {
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'p100-console-'));
    site = await buildConsole(outDir);
    s = await startTestSuite({ seed: 18, extraRoutes: consoleRoutes(outDir) });
    await scenario();
    mkdirSync(screenshots, { recursive: true });
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      // No exception (issue 26): a stage without a contract report is a state the overview states, not a 404.
      if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('is a small bundle: every file gzip-compressed under 60 KB together', () => {
    const gzip = site.files.reduce((n, f) => n + f.gzipBytes, 0);
    console.log(`console bundle: ${site.files.map((f) => `${f.file} ${f.bytes} B (gzip ${f.gzipBytes} B)`).join(', ')}; gzip total ${gzip} B`);
    expect(site.files.some((f) => f.file.endsWith('.js'))).toBe(true);
    expect(gzip).toBeLessThan(60 * 1024);
  });

  it('overview: the last run with its discrepancies, the 24 h intake with the dead letter, contract drift not available', async () => {
    await visit('#/', '1-overview');
    await expect.poll(() => page.locator('[data-figure="discrepancies"] .value').textContent()).not.toBe('0');
    expect(Number(await page.locator('[data-figure="dead"] .value').textContent())).toBeGreaterThanOrEqual(1);
    // Every event of this short test was received within the 24 h: the figure is the inbox's whole size.
    const listed = await s.call('GET', '/operations/inbox?limit=100');
    expect(Number(await page.locator('[data-figure="received"] .value').textContent())).toBe(listed.body.items.length);
    await page.locator('[data-contract="unavailable"]').waitFor();
    expect(await page.locator('main').textContent()).toContain(runId);
  });

  it('reconciliation: the run is listed and the chart draws its discrepancies', async () => {
    await visit('#/runs', '2-runs');
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
    expect(await page.locator(`.chart g[data-run="${runId}"] rect`).count()).toBeGreaterThan(0);
  });

  it("one run's discrepancies, filtered by class", async () => {
    await visit(`#/runs/${runId}`, '3-run');
    const rows = page.locator('tr[data-discrepancy]');
    await rows.first().waitFor();
    const all = await rows.count();
    const cls = await page.locator(`tr[data-discrepancy] a:text("${MISSED}")`).first().locator('xpath=ancestor::tr').getAttribute('data-discrepancy');
    expect(cls).toBeTruthy();
    await page.selectOption('select[name="class"]', cls as string);
    await expect.poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-discrepancy')))).every((c) => c === cls)).toBe(true);
    // The scenario made discrepancies of two classes at least: the filter leaves fewer rows.
    expect(await rows.count()).toBeLessThan(all);
    await page.screenshot({ path: path.join(screenshots, '3-run-filtered.png'), fullPage: true });
  });

  it('inbox: search by state and by entity; one event with its deliveries and outcome, personal data masked', async () => {
    await visit('#/inbox', '4-inbox');
    const states = () => page.locator('tr[data-event]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-state')))].sort());
    // Unfiltered, the inbox holds processed events and the dead letter; filtered, the dead letter alone.
    await expect.poll(states).toEqual(['DEAD', 'PROCESSED']);
    await page.selectOption('select[name="state"]', 'DEAD');
    await expect.poll(states).toEqual(['DEAD']);
    await page.locator(`tr[data-event="${deadEventId}"]`).waitFor();
    await page.selectOption('select[name="state"]', '');
    await expect.poll(states).toEqual(['DEAD', 'PROCESSED']);
    const unfiltered = await page.locator('tr[data-event]').count();
    await page.fill('input[name="entity"]', USER);
    await page.click('form.filters button[type="submit"]');
    // The page lists exactly what the API finds for the user (its status events and its card transaction).
    const expected = (await s.call('GET', `/operations/inbox?entityId=${USER}`)).body.items.map((i: { eventId: string }) => i.eventId).sort();
    expect(expected).toContain(deadEventId);
    expect(expected.length).toBeLessThan(unfiltered);
    await expect
      .poll(async () => (await page.locator('tr[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')))).sort())
      .toEqual(expected);
    await visit(`#/inbox/${deadEventId}`, '5-inbox-event');
    await page.locator('[data-field="deliveries"]').waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('DEAD');
    expect(text).toContain('EventBridge rejected');
    expect(text).not.toContain(IBAN);
    expect(text).toContain('DE89');
  });

  it('dead letters: a replay from the page puts the event through and it leaves the list', async () => {
    await visit('#/dead-letters', '6-dead-letters');
    const row = page.locator(`tr[data-event="${deadEventId}"]`);
    await row.waitFor();
    await row.locator('button[data-replay]').click();
    // The replay waits for the outcome (issue 26): the processor applied it.
    await expect.poll(() => page.locator('[data-replay-outcome]').getAttribute('data-replay-outcome'), { timeout: 20_000 }).toBe('applied');
    await s.local.queues.get('webhook')?.idle();
    const after = await s.call('GET', `/operations/inbox-events/${deadEventId}`);
    expect(after.body).toMatchObject({ state: 'PROCESSED', replays: 1, published: true });
    await page.reload();
    await page.locator('main h1').waitFor();
    await expect.poll(() => page.locator(`tr[data-event="${deadEventId}"]`).count()).toBe(0);
    await page.screenshot({ path: path.join(screenshots, '6-dead-letters-after-replay.png'), fullPage: true });
  });

  it('timeline: a user, and the Idempotency-Key of its creation, in time order', async () => {
    await visit(`#/timeline?subject=user&id=${USER}`, '7-timeline-user');
    await page.locator('ol.timeline li').first().waitFor();
    const kinds = new Set(await page.locator('ol.timeline li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))));
    expect(kinds.has('user')).toBe(true);
    expect(kinds.has('webhook')).toBe(true);
    expect(kinds.has('published')).toBe(true);
    const times = await page.locator('ol.timeline li .at').allTextContents();
    expect([...times].sort()).toEqual(times);
    await visit(`#/timeline?subject=idempotency-key&id=${KEY}`, '8-timeline-key');
    await page.locator('ol.timeline li[data-kind="request"]').first().waitFor();
    expect(await page.locator('ol.timeline').textContent()).toContain('createUser requested');
    await visit(`#/timeline?subject=user&id=${MISSED}`, '9-timeline-repaired-user');
    await page.locator('ol.timeline li[data-kind="repair"]').first().waitFor();
  });

  it('overview: a stalled run the liveness watch marked FAILED is shown in red with its reason (issue 23)', async () => {
    const reason = 'stalled: no progress since 2999-01-01T00:00:00.000Z (phase partner; limit 1800 s)';
    const at = new Date().toISOString();
    // The newest run of the list, FAILED: what the watch leaves behind (shared/reconcile/open-run.ts).
    await putRun({
      runId: '29990101T000000Z-0000beef',
      status: 'FAILED',
      phase: 'partner',
      trigger: 'schedule',
      requestedAt: '2999-01-01T00:00:00.000Z',
      progressAt: at,
      window: { to: at },
      leaseUntil: at,
      batchesSent: 0,
      batchesDone: 0,
      finishedAt: at,
      error: reason,
    });
    await visit('#/', '10-overview-failed-run');
    const status = page.locator('[data-run-status="FAILED"]');
    await status.waitFor();
    expect(await page.locator('[data-run-error]').textContent()).toBe(reason);
    const red = 'rgb(179, 38, 30)'; // --bad in console/src/style.css
    // Runs in the page; the test's own TypeScript has no DOM library.
    const colorOf = (e: unknown) => (globalThis as unknown as { getComputedStyle(el: unknown): { color: string } }).getComputedStyle(e).color;
    expect(await status.evaluate(colorOf)).toBe(red);
    expect(await page.locator('[data-run-error]').evaluate(colorOf)).toBe(red);
  });

  it('wrote no console error on any screen (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});

// Only where Chromium is absent: one skipped test whose name says why (test/browser/preflight.ts prints it too).
if (!executablePath)
  describe('operator console in Chromium', () => {
    it.skip('SKIPPED: no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)', () => {});
  });
