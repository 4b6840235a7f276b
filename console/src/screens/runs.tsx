import { api, query } from '../api.js';
import { DiscrepancyChart } from '../chart.js';
import { href } from '../router.js';
import { Badge, Failure, Loading, Section, time, useLoad } from '../ui.js';
import type { RunSummary } from '../types.js';

export function RunsScreen() {
  const runs = useLoad(() => api<{ items: RunSummary[]; more: boolean }>(`/operations/reconciliation/runs${query({ limit: 30 })}`), []);
  const start = async () => {
    await api('/operations/reconciliation/runs', { method: 'POST' });
    runs.reload();
  };
  return (
    <>
      <h1>Reconciliation runs</h1>
      <p>
        <button type="button" onClick={() => void start()}>
          Start a run now
        </button>{' '}
        <button type="button" class="secondary" onClick={runs.reload}>
          Refresh
        </button>
      </p>
      {runs.error ? <Failure error={runs.error} /> : null}
      {runs.loading && !runs.data ? <Loading /> : null}
      {runs.data ? (
        <>
          <Section title="Discrepancies per run">
            <DiscrepancyChart runs={runs.data.items} />
          </Section>
          <Section title="Runs">
            <table>
              <thead>
                <tr>
                  <th>run</th>
                  <th>status</th>
                  <th>trigger</th>
                  <th>requested</th>
                  <th>finished</th>
                  <th>matched</th>
                  <th>discrepancies</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((r) => (
                  <tr key={r.runId} data-run={r.runId}>
                    <td>
                      <a href={href(`/runs/${r.runId}`)}>{r.runId}</a>
                    </td>
                    <td>
                      <Badge text={r.status} />
                    </td>
                    <td>{r.trigger}</td>
                    <td>{time(r.requestedAt)}</td>
                    <td>{time(r.finishedAt)}</td>
                    <td>{r.counts?.matched ?? ''}</td>
                    <td>{r.discrepancyCount ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {runs.data.items.length === 0 ? <p class="muted">No run yet.</p> : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
