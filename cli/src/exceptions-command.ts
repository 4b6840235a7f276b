/**
 * `p100 exceptions`: the exception queue from a terminal (issue 26), the same routes the console uses.
 *
 *   p100 exceptions [list] [--state active|open|acknowledged|resolved|fixed-at-p100] [--class c] [--limit n]
 *   p100 exceptions show <exceptionId>
 *   p100 exceptions acknowledge|resolve|reopen|note <exceptionId> --note "why"
 *   p100 exceptions assign <exceptionId> --owner name --note "why"
 *
 * Kept in its own file: cli.ts only parses the options and calls {@link cmdExceptions}.
 */
import type { P100Client } from '../../client/src/client.js';

export interface ExceptionsOptions {
  state?: string | undefined;
  class?: string | undefined;
  limit?: string | undefined;
  note?: string | undefined;
  owner?: string | undefined;
}

type Out = (pretty: string, data: unknown) => void;

const ACTIONS = ['acknowledge', 'resolve', 'reopen', 'assign', 'note'] as const;
type Action = (typeof ACTIONS)[number];

export const EXCEPTIONS_USAGE =
  'exceptions [list] [--state s] [--class c] | exceptions show <exceptionId> | exceptions acknowledge|resolve|reopen|note <exceptionId> --note "why" | exceptions assign <exceptionId> --owner name --note "why"';

interface Row {
  exceptionId: string;
  state: string;
  count: number;
  firstSeen: string;
  owner?: string | undefined;
}

function line(e: Row): string {
  return `${e.state.padEnd(13)} ${String(e.count).padStart(3)} run(s) since ${e.firstSeen}  ${e.exceptionId}${e.owner ? `  (${e.owner})` : ''}`;
}

export async function cmdExceptions(c: P100Client, sub: string | undefined, id: string | undefined, o: ExceptionsOptions, out: Out): Promise<void> {
  if (sub === undefined || sub === 'list') {
    const state = (o.state ?? 'active') as 'active';
    const r = await c.listExceptions({ query: { state, ...(o.class ? { class: o.class } : {}), limit: o.limit ? Number(o.limit) : 25 } });
    const total = `${r.totalIsLowerBound ? 'more than ' : ''}${r.total} exception(s) (${state})${r.nextCursor ? `, first ${r.items.length} shown` : ''}`;
    out([total, ...r.items.map(line)].join('\n'), r);
    return;
  }
  if (!id) throw new Error(`usage: p100 ${EXCEPTIONS_USAGE}`);
  if (sub === 'show') {
    const e = await c.getException({ path: { exceptionId: id } });
    const diff = e.diff.map(
      (d) => `  ${d.compared === false ? '~' : d.differs ? '≠' : '='} ${d.field.padEnd(16)} ours ${JSON.stringify(d.ours)}  P100 ${JSON.stringify(d.theirs)}`,
    );
    const audit = e.audit.map((a) => `  ${a.at} ${a.actor}: ${a.summary}${a.note ? ` ("${a.note}")` : ''}`);
    out([line(e), `${e.type} ${e.id}${e.externalUserId ? ` user ${e.externalUserId}` : ''}`, ...diff, 'audit:', ...audit].join('\n'), e);
    return;
  }
  if (!(ACTIONS as readonly string[]).includes(sub)) throw new Error(`usage: p100 ${EXCEPTIONS_USAGE}`);
  if (!o.note) throw new Error(`p100 exceptions ${sub} needs --note "why" (kept in the audit trail)`);
  const e = await c.changeException({
    path: { exceptionId: id },
    body: { action: sub as Action, note: o.note, ...(o.owner ? { owner: o.owner } : {}) },
  });
  out(`${sub}: ${line(e)}`, e);
}
