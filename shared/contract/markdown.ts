import type { ContractReport } from './types.js';

/** `|` and line breaks would break a table row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * The report for a person: summary, one row per operation and per assumption, the proposed overrides and
 * what a `--writes` run left at P100. Every text in it already went through the report's redaction.
 */
export function renderMarkdown(r: ContractReport): string {
  const s = r.summary;
  const lines: string[] = [
    `# P100 contract check: ${r.baseUrl}`,
    '',
    `${r.mode} run, ${r.startedAt}${r.finishedAt ? ` to ${r.finishedAt}` : ''}.`,
    '',
    `Operations: ${s.operations.confirmed} confirmed, ${s.operations.drift} drift, ${s.operations.untested} untested. ` +
      `Drifts: ${
        Object.entries(s.drifts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none'
      }.`,
    '',
    '## Operations',
    '',
    '| operation | status | drift or reason |',
    '|---|---|---|',
    ...r.operations.map(
      (o) => `| ${o.operationId} | ${o.status} | ${cell(o.drifts.length ? o.drifts.map((d) => `**${d.kind}** ${d.detail}`).join('<br>') : (o.reason ?? ''))} |`,
    ),
    '',
    '## Assumptions (shared/p100/ASSUMPTIONS.md)',
    '',
    '| id | status | evidence |',
    '|---|---|---|',
    ...r.assumptions.map((a) => `| ${cell(a.id)} | ${a.status} | ${cell(a.evidence.join(', '))} |`),
  ];
  if (r.webhooks) {
    lines.push('', '## Webhook payloads seen in the inbox', '', '| webhook | events | status | drift |', '|---|---|---|---|');
    for (const w of r.webhooks)
      lines.push(`| ${w.webhook} | ${w.events} | ${w.status} | ${cell(w.drifts.map((d) => `**${d.kind}** ${d.detail}`).join('<br>'))} |`);
  }
  if (Object.keys(r.suggestedOverrides).length) {
    lines.push('', '## Proposed P100_UPSTREAM_OVERRIDES', '', '```json', JSON.stringify(r.suggestedOverrides, null, 2), '```');
  }
  if (r.leftBehind) {
    lines.push('', '## Left behind at P100', '');
    lines.push(...(r.leftBehind.length ? r.leftBehind.map((l) => `- ${l}`) : ['- nothing']));
  }
  return `${lines.join('\n')}\n`;
}
