import { api, query } from '../api.js';
import { href } from '../router.js';
import { Badge, Failure, Json, Loading, Section, time, useLoad } from '../ui.js';
import type { Report } from '../types.js';

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
            <table>
              <thead>
                <tr>
                  <th>class</th>
                  <th>type</th>
                  <th>id</th>
                  <th>repaired</th>
                  <th>ours</th>
                  <th>P100</th>
                  <th>at</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={`${d.class}:${d.type}:${d.id}`} data-discrepancy={d.class}>
                    <td>
                      <Badge text={d.class} />
                    </td>
                    <td>{d.type}</td>
                    <td>
                      <a href={href(`/timeline`, { subject: d.type === 'USER' ? 'user' : 'operation', id: d.id })}>{d.id}</a>
                      {d.note ? <div class="muted">{d.note}</div> : null}
                    </td>
                    <td>{d.repaired ? 'yes' : 'no'}</td>
                    <td>
                      <Json value={d.ours} />
                    </td>
                    <td>
                      <Json value={d.theirs} />
                    </td>
                    <td>{time(d.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {r.nextCursor ? <p class="muted">Only the first 1000 discrepancies are shown.</p> : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
