/**
 * The `source` of every event the suite puts on its bus. A module of its own (not beside the event table in
 * published.ts) because the publishers import it at cold start and the event table's zod schemas must not load
 * there (issue 15, B2: a webhook receiver evaluates no zod).
 */
export const EVENT_SOURCE = 'p100.partner-suite';
