import type { FunctionSpec } from './inventory.js';

/**
 * Every alarm of the stack points at its entry in docs/runbook.md: the entry is a `## <RunbookId>` heading,
 * the alarm's description ends with `Runbook: <runbookUrl>#<runbookid>` (GitHub's anchor of that heading),
 * and its name is `<prefix>-<RunbookId>[-<subject>]`, so the person paged reads what to do in the e-mail.
 * test/infra/runbook.test.ts reads the alarms from the synthesized templates and fails when an alarm has no
 * entry or an entry names no alarm: a new alarm needs one `## <RunbookId>` section, nothing else.
 */

/** Where descriptions link to when the context sets no `runbookUrl`: the file in this repository. */
export const defaultRunbookUrl = 'docs/runbook.md';

/** GitHub's anchor of a `## <RunbookId>` heading (ids are letters and digits, so: lower case). */
export function runbookAnchor(runbookId: string): string {
  return runbookId.toLowerCase();
}

/** The last sentence of every alarm description. */
export function runbookLink(runbookUrl: string, runbookId: string): string {
  return `Runbook: ${runbookUrl}#${runbookAnchor(runbookId)}`;
}

/** The alarm description: what happened, then the runbook link (CloudWatch allows 1024 characters). */
export function alarmDescription(runbookUrl: string, runbookId: string, what: string): string {
  const link = runbookLink(runbookUrl, runbookId);
  return `${what.slice(0, 1020 - link.length)} ${link}`;
}

/** Physical alarm name: `<prefix>-<RunbookId>` or `<prefix>-<RunbookId>-<subject>` (255 characters at most). */
export function alarmName(prefix: string, runbookId: string, subject?: string): string {
  return `${prefix}-${runbookId}${subject ? `-${subject}` : ''}`.slice(0, 255);
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The runbook family of a function's error and throttle alarms: what the person paged must do differs
 * between a money operation (a customer's money may be in an unknown state), any other API operation, a
 * webhook receiver (P100 retries, then gives up) and each background job.
 */
export function functionAlarmFamily(spec: FunctionSpec): string {
  switch (spec.kind) {
    case 'operation':
      return spec.operation.kind === 'money' ? 'MoneyOperation' : 'Operation';
    case 'openApi':
      return 'Operation';
    case 'webhook':
    case 'webhookHealth':
      return 'WebhookReceiver';
    case 'job':
      return upperFirst(spec.job.name);
  }
}
