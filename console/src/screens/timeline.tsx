import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { href, navigate, withParams } from '../router.js';
import { countLabel, Failure, Json, Loading, Pager, time, useLoad } from '../ui.js';
import type { Timeline } from '../types.js';

const SUBJECTS = [
  ['user', 'externalUserId'],
  ['operation', 'operation id'],
  ['idempotency-key', 'Idempotency-Key'],
  ['operator', 'operator (their actions)'],
] as const;

function link(ref: Record<string, string> | undefined) {
  if (!ref) return null;
  if (ref.eventId) return <a href={href(`/inbox/${ref.eventId}`)}>event</a>;
  if (ref.exceptionId) return <a href={href(`/exceptions/${encodeURIComponent(ref.exceptionId)}`)}>exception</a>;
  if (ref.runId) return <a href={href(`/runs/${ref.runId}`)}>run</a>;
  return null;
}

const PAGE = 50;

function Entries({ subject, id, params }: { subject: string; id: string; params: URLSearchParams }) {
  const cursor = params.get('cursor') ?? '';
  const t = useLoad(() => api<Timeline>(`/operations/timeline/${encodeURIComponent(subject)}/${encodeURIComponent(id)}${query({ limit: PAGE, cursor })}`), []);
  if (t.error) return <Failure error={t.error} retry={t.reload} />;
  if (!t.data) return <Loading />;
  const d = t.data;
  const pager = (
    <Pager
      prev={d.prevCursor ? href('/timeline', withParams(params, { cursor: d.prevCursor })) : undefined}
      next={d.nextCursor ? href('/timeline', withParams(params, { cursor: d.nextCursor })) : undefined}
      label={`${countLabel(d.offset, d.entries.length, d.total, false)} entries, oldest first`}
    />
  );
  return (
    <>
      {d.total > d.entries.length ? pager : null}
      {t.data.truncated ? <p class="muted">Bounded reads stopped early: older entries may be missing.</p> : null}
      {t.data.entries.length === 0 ? <p class="muted">The suite knows nothing about this {subject}.</p> : null}
      <ol class="timeline">
        {t.data.entries.map((e, i) => (
          <li key={`${e.at}-${i}`} class={`k-${e.kind}`} data-kind={e.kind}>
            <span class="at">{time(e.at)}</span> <span class="kind">{e.kind}</span> <span class="title">{e.title}</span> {link(e.ref)}
            {e.detail ? (
              <details>
                <summary>detail</summary>
                <Json value={e.detail} />
              </details>
            ) : null}
          </li>
        ))}
      </ol>
      {pager}
    </>
  );
}

export function TimelineScreen({ params }: { params: URLSearchParams }) {
  const subject = params.get('subject') ?? 'user';
  const id = params.get('id') ?? '';
  const [draft, setDraft] = useState({ subject, id });
  return (
    <>
      <h1>Timeline</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('/timeline', { subject: draft.subject, id: draft.id.trim() });
        }}
      >
        <label>
          for{' '}
          <select name="subject" value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.currentTarget.value })}>
            {SUBJECTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <input
          name="id"
          aria-label="id"
          value={draft.id}
          placeholder="user-1, an exchangeId, an Idempotency-Key"
          onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })}
        />
        <button type="submit">Show</button>
      </form>
      {id ? <Entries subject={subject} id={id} params={params} /> : <p class="muted">Enter a user, an operation id or an Idempotency-Key.</p>}
    </>
  );
}
