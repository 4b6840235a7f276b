import { api, query } from '../api.js';
import { href } from '../router.js';
import { fieldDiff } from '../../../shared/console/diff.js';
import { Badge, Diff, Failure, Loading, Scroll, Section, time, useLoad } from '../ui.js';
import type { Report } from '../types.js';

function userOf(d: { type: string; id: string; ours: Record<string, unknown> | null; theirs: Record<string, unknown> | null }): string | undefined {
  if (d.type === 'USER') return d.id;
  const u = d.ours?.externalUserId ?? d.theirs?.externalUserId;
  return typeof u === 'string' ? u : undefined;
}

/** One run's report; the filters act on the discrepancies it holds (up to 1000, the first page). */
export function RunScreen({ runId, params }: { runId: string; params: URLSearchParams }) {
  const report = useLoad(() => api<Report>(`/operations/reconciliation/reports/${encodeURIComponent(runId)}${query({ limit: 1000 })}`), [runId]);
  const cls = params.get('class') ?? '';
  const type = params.get('type') ?? '';
  const repaired = params.get('repaired') ?? '';
  const text = params.get('q') ?? '';
  const set = (k: string, v: string) => {
    location.hash = href(`/runs/${runId}`, { class: cls, type, repaired, q: text, [k]: v });
  };
  const r = report.data;
  const rows = (r?.discrepancies ?? []).filter(
    (d) =>
      (!cls || d.class === cls) &&
      (!type || d.type === type) &&
      (!repaired || String(d.repaired) === repaired) &&
      (!text || JSON.stringify(d).toLowerCase().includes(text.toLowerCase())),
  );
  const classes = [...new Set((r?.discrepancies ?? []).map((d) => d.class))].sort();
  const types = [...new Set((r?.discrepancies ?? []).map((d) => d.type))].sort();
  return (
    <>
      <h1>Run {runId}</h1>
      {report.error ? <Failure error={report.error} /> : null}
      {report.loading && !r ? <Loading /> : null}
      {r ? (
        <>
          <p>
            <Badge text={r.status} /> {r.trigger}, window {time(r.window.from) || 'start'} to {time(r.window.to)}, finished {time(r.finishedAt)}
          </p>
          <Section title="Counts">
            <Scroll>
              <table class="compact">
                <tbody>
                  {Object.entries(r.counts).map(([k, n]) => (
                    <tr key={k}>
                      <th>{k}</th>
                      <td>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          </Section>
          <Section title={`Discrepancies (${rows.length} of ${r.discrepancyCount})`}>
            <form class="filters" onSubmit={(e) => e.preventDefault()}>
              <label>
                class{' '}
                <select name="class" value={cls} onChange={(e) => set('class', e.currentTarget.value)}>
                  <option value="">any</option>
                  {classes.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                type{' '}
                <select name="type" value={type} onChange={(e) => set('type', e.currentTarget.value)}>
                  <option value="">any</option>
                  {types.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                repaired{' '}
                <select name="repaired" value={repaired} onChange={(e) => set('repaired', e.currentTarget.value)}>
                  <option value="">any</option>
                  <option value="true">yes</option>
                  <option value="false">no</option>
                </select>
              </label>
              <label>
                contains <input name="q" value={text} onChange={(e) => set('q', e.currentTarget.value)} />
              </label>
            </form>
            <Scroll>
              <table class="cards">
                <thead>
                  <tr>
                    <th>class</th>
                    <th>type</th>
                    <th>id and user</th>
                    <th>repaired</th>
                    <th>ours and P100's, field by field</th>
                    <th>at</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((d) => (
                    <tr key={`${d.class}:${d.type}:${d.id}`} data-discrepancy={d.class}>
                      <td data-label="class">
                        <Badge text={d.class} />
                      </td>
                      <td data-label="type">{d.type}</td>
                      <td data-label="id">
                        <a href={href(`/timeline`, { subject: d.type === 'USER' ? 'user' : 'operation', id: d.id })}>{d.id}</a>
                        {userOf(d) && userOf(d) !== d.id ? (
                          <div>
                            user <a href={href('/timeline', { subject: 'user', id: userOf(d) })}>{userOf(d)}</a>
                          </div>
                        ) : null}
                        {d.note ? <div class="muted">{d.note}</div> : null}
                        {d.repaired ? null : (
                          <div>
                            <a href={href(`/exceptions/${encodeURIComponent(`${d.class}:${d.type}:${d.id}`)}`)}>its exception</a>
                          </div>
                        )}
                      </td>
                      <td data-label="repaired">{d.repaired ? 'yes' : 'no'}</td>
                      <td data-label="diff">
                        <Diff rows={fieldDiff(d.ours, d.theirs)} />
                      </td>
                      <td data-label="at">{time(d.at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
            {r.nextCursor ? <p class="muted">Only the first 1000 discrepancies are shown.</p> : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
