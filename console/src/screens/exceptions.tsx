import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { href, navigate, withParams } from '../router.js';
import { age, Badge, countLabel, Diff, Failure, Loading, Pager, Scroll, Section, time, useLoad } from '../ui.js';
import { DISCREPANCY_CLASSES, EXCEPTION_STATES, type ExceptionDetail, type ExceptionList } from '../types.js';

/**
 * The exception queue (issue 26): discrepancies reconciliation could not repair, one per class and
 * operation or user across runs, with their age, owner and state. Every filter and the page are in the URL.
 */
/** The position a list cursor stands for (the API's cursors are base64url offsets), for the "21–40 of 57" label. */
export function offsetOf(cursor: string): number {
  if (!cursor) return 0;
  try {
    return Number(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) || 0;
  } catch {
    return 0;
  }
}

export function ExceptionsScreen({ params }: { params: URLSearchParams }) {
  const state = params.get('state') ?? 'active';
  const cls = params.get('class') ?? '';
  const subject = params.get('subject') ?? '';
  const owner = params.get('owner') ?? '';
  const cursor = params.get('cursor') ?? '';
  const list = useLoad(
    () => api<ExceptionList>(`/operations/exceptions${query({ state: state === 'all' ? undefined : state, class: cls, subject, owner, cursor, limit: 25 })}`),
    [],
  );
  const [draft, setDraft] = useState({ subject, owner });
  const go = (changes: Record<string, string | undefined>) => navigate('/exceptions', withParams(params, { cursor: undefined, ...changes }));
  const d = list.data;
  const offset = offsetOf(cursor);
  return (
    <>
      <h1>Exceptions</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          go({ subject: draft.subject.trim(), owner: draft.owner.trim() });
        }}
      >
        <label>
          state{' '}
          <select name="state" value={state} onChange={(e) => go({ state: e.currentTarget.value })}>
            <option value="active">open or acknowledged</option>
            {EXCEPTION_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="all">any</option>
          </select>
        </label>
        <label>
          class{' '}
          <select name="class" value={cls} onChange={(e) => go({ class: e.currentTarget.value })}>
            <option value="">any</option>
            {DISCREPANCY_CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          operation or user <input name="subject" value={draft.subject} onInput={(e) => setDraft({ ...draft, subject: e.currentTarget.value })} />
        </label>
        <label>
          owner <input name="owner" value={draft.owner} onInput={(e) => setDraft({ ...draft, owner: e.currentTarget.value })} />
        </label>
        <button type="submit">Search</button>
      </form>
      {list.error ? <Failure error={list.error} retry={list.reload} /> : null}
      {list.loading && !d ? <Loading /> : null}
      {d ? (
        <>
          <p class="muted">
            As of {time(d.asOf)}.{' '}
            {Object.entries(d.byState)
              .map(([s, n]) => `${n} ${s}`)
              .join(', ')}
          </p>
          {d.items.length === 0 ? (
            <p class="muted" data-empty>
              No exception matches.
            </p>
          ) : (
            <Scroll>
              <table class="cards">
                <thead>
                  <tr>
                    <th>state</th>
                    <th>class</th>
                    <th>operation or user</th>
                    <th>user</th>
                    <th>open for</th>
                    <th>runs</th>
                    <th>last seen</th>
                    <th>owner</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((e) => (
                    <tr key={e.exceptionId} data-exception={e.exceptionId} data-state={e.state}>
                      <td data-label="state">
                        <Badge text={e.state} />
                        {e.count > 1 ? <span class="muted"> ongoing</span> : <span class="muted"> new</span>}
                      </td>
                      <td data-label="class">{e.class}</td>
                      <td data-label="subject">
                        <a href={href(`/exceptions/${encodeURIComponent(e.exceptionId)}`)}>
                          {e.type} {e.id}
                        </a>
                      </td>
                      <td data-label="user">{e.externalUserId ?? ''}</td>
                      <td data-label="open for" data-age>
                        {age(e.firstSeen, Date.parse(d.asOf))}
                      </td>
                      <td data-label="runs">{e.count}</td>
                      <td data-label="last seen">{time(e.lastSeen)}</td>
                      <td data-label="owner">{e.owner ?? <span class="muted">nobody</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
          <Pager
            prev={d.prevCursor ? href('/exceptions', withParams(params, { cursor: d.prevCursor })) : undefined}
            next={d.nextCursor ? href('/exceptions', withParams(params, { cursor: d.nextCursor })) : undefined}
            label={countLabel(offset, d.items.length, d.total, d.totalIsLowerBound)}
          />
        </>
      ) : null}
    </>
  );
}

const ACTIONS: Record<string, { label: string; from: readonly string[] }> = {
  acknowledge: { label: 'Acknowledge (I own it)', from: ['open'] },
  resolve: { label: 'Resolve', from: ['open', 'acknowledged'] },
  reopen: { label: 'Reopen', from: ['resolved', 'fixed-at-p100'] },
  note: { label: 'Add a note', from: ['open', 'acknowledged', 'resolved', 'fixed-at-p100'] },
};

export function ExceptionScreen({ exceptionId }: { exceptionId: string }) {
  const ex = useLoad(() => api<ExceptionDetail>(`/operations/exceptions/${encodeURIComponent(exceptionId)}`), []);
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<{ message?: string; error?: Error }>({});
  const e = ex.data;
  const act = async (action: string) => {
    if (!e) return;
    try {
      const after = await api<ExceptionDetail>(`/operations/exceptions/${encodeURIComponent(exceptionId)}/actions`, {
        method: 'POST',
        body: { action, note, version: e.version },
      });
      setOutcome({ message: `${action}: now ${after.state}` });
      setNote('');
      ex.reload();
    } catch (err) {
      setOutcome({ error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  return (
    <>
      <h1>Exception</h1>
      <p class="mono">{exceptionId}</p>
      {ex.error ? <Failure error={ex.error} retry={ex.reload} /> : null}
      {ex.loading && !e ? <Loading /> : null}
      {e ? (
        <>
          <p>
            <Badge text={e.state} /> <strong>{e.class}</strong> of {e.type}{' '}
            <a href={href('/timeline', { subject: e.type === 'USER' ? 'user' : 'operation', id: e.id })}>{e.id}</a>
            {e.externalUserId && e.externalUserId !== e.id ? (
              <>
                {' '}
                for user <a href={href('/timeline', { subject: 'user', id: e.externalUserId })}>{e.externalUserId}</a>
              </>
            ) : null}
          </p>
          <p data-seen>
            {e.count > 1 ? `Ongoing since ${time(e.firstSeen)}` : `New: first seen ${time(e.firstSeen)}`}, in {e.count} run{e.count > 1 ? 's' : ''} (last{' '}
            <a href={href(`/runs/${e.lastRunId}`)}>{e.lastRunId}</a>, {time(e.lastSeen)}). Owner: {e.owner ?? 'nobody'}.
          </p>
          <Section title="Ours and P100's, field by field">
            <Diff rows={e.diff} />
          </Section>
          <Section title="Act">
            <form class="act" onSubmit={(ev) => ev.preventDefault()}>
              <label>
                note (kept in the audit trail) <textarea name="note" rows={2} value={note} onInput={(ev) => setNote(ev.currentTarget.value)} />
              </label>
              <p>
                {Object.entries(ACTIONS)
                  .filter(([, a]) => a.from.includes(e.state))
                  .map(([action, a]) => (
                    <button key={action} type="button" data-action={action} disabled={note.trim().length < 3} onClick={() => void act(action)}>
                      {a.label}
                    </button>
                  ))}
              </p>
              <p class="muted">Resolving records that the exception is handled; it never changes an amount or a status in the ledger.</p>
            </form>
            {outcome.message ? (
              <p class="ok" role="status">
                {outcome.message}
              </p>
            ) : null}
            {outcome.error ? <Failure error={outcome.error} /> : null}
          </Section>
          <Section title="Audit trail">
            {e.audit.length === 0 ? <p class="muted">No operator action yet.</p> : null}
            <ol class="timeline" data-audit>
              {e.audit.map((a) => (
                <li key={`${a.at}-${a.action}`} class="k-operator" data-action={a.action}>
                  <span class="at">{time(a.at)}</span> <span class="kind">{a.actor}</span> <span class="title">{a.summary}</span>
                  {a.note ? <div class="muted">“{a.note}”</div> : null}
                </li>
              ))}
            </ol>
          </Section>
        </>
      ) : null}
    </>
  );
}
