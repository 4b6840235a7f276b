/**
 * What a dead letter's reason means for the operator (issue 26): whether a replay can put it through, what
 * to do first, and the runbook entry (docs/runbook.md, the `### Dead letter: ...` sections under
 * WebhookDlqDepth). Kept beside the processor, whose flags and reasons it reads.
 */

export type ReplayAdvice = 'helps' | 'after-fix' | 'cannot-help';

export interface DeadLetterAdvice {
  replay: ReplayAdvice;
  /** One sentence: what to do. */
  todo: string;
  /** The runbook anchor (GitHub's anchor of the section heading). */
  runbook: string;
}

export function deadLetterAdvice(e: { flag?: string; deadReason?: string }): DeadLetterAdvice {
  switch (e.flag) {
    case 'unknown-user':
      return {
        replay: 'after-fix',
        todo: 'Create the user in the suite first (POST /users, or find why it was never created), then replay: the event applies.',
        runbook: 'dead-letter-unknown-user',
      };
    case 'unknown-status':
      return {
        replay: 'cannot-help',
        todo: 'A replay parks it again: the status is not in the lifecycle table. Add it (shared/webhooks/lifecycles.ts) and deploy, then replay.',
        runbook: 'dead-letter-unknown-status',
      };
    case 'oversized-id':
      return {
        replay: 'cannot-help',
        todo: 'A replay parks it again: the id is longer than the suite accepts. Escalate to P100 with the webhook name.',
        runbook: 'dead-letter-oversized-id',
      };
    default:
      return {
        replay: 'helps',
        todo: 'Processing failed on our side (bus, table or a bug). Once the cause is healthy, a replay puts it through.',
        runbook: 'dead-letter-processing-failed',
      };
  }
}
