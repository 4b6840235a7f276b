import { api, query } from '../api.js';
import { href } from '../router.js';
import { Figure, Failure, Loading, Section, time, useLoad } from '../ui.js';
import type { ExceptionList, Overview } from '../types.js';

export function OverviewScreen() {
  const overview = useLoad(() => api<Overview>('/operations/overview'), []);
  const exceptions = useLoad(() => api<ExceptionList>(`/operations/exceptions${query({ state: 'active', limit: 1 })}`), []);
  const refresh = () => {
    overview.reload();
    exceptions.reload();
  };
  const contract = overview.data?.contract;
  return (
    <>
      <h1>Overview</h1>
      <p>
        <span class="muted" data-as-of>
          {overview.data ? `As of ${time(overview.data.generatedAt)}` : ''}
        </span>{' '}
        <button type="button" class="secondary" data-refresh onClick={refresh} disabled={overview.loading}>
          Refresh
        </button>
      </p>
      {overview.error ? <Failure error={overview.error} retry={refresh} /> : null}
      <Section title="Exceptions">
        {exceptions.data ? (
          <p data-exceptions-open={exceptions.data.total}>
            <a href={href('/exceptions', { state: 'active' })}>
              {exceptions.data.totalIsLowerBound ? 'more than ' : ''}
              {exceptions.data.total} open or acknowledged exception{exceptions.data.total === 1 ? '' : 's'}
            </a>
            {exceptions.data.byState.open ? `, ${exceptions.data.byState.open} not acknowledged yet` : ''}
          </p>
        ) : null}
      </Section>
      <Section title="Last reconciliation run">
        {overview.loading && !overview.data ? <Loading /> : null}
        {overview.data && !overview.data.lastRun ? <p class="muted">No reconciliation run has finished yet.</p> : null}
        {overview.data?.lastRun ? (
          <>
            <p>
              <a href={href(`/runs/${overview.data.lastRun.runId}`)}>{overview.data.lastRun.runId}</a>{' '}
              <span class={overview.data.lastRun.status === 'FAILED' ? 'run-status error' : 'run-status'} data-run-status={overview.data.lastRun.status}>
                {overview.data.lastRun.status}
              </span>
              , finished {time(overview.data.lastRun.finishedAt)}
            </p>
            {overview.data.lastRun.error ? (
              <p class="error" data-run-error>
                {overview.data.lastRun.error}
              </p>
            ) : null}
            <div class="figures">
              <Figure label="matched" value={overview.data.lastRun.matched} tone="good" />
              <Figure label="repaired" value={overview.data.lastRun.repaired} />
              <Figure label="discrepancies" value={overview.data.lastRun.discrepancyCount} tone={overview.data.lastRun.discrepancyCount ? 'bad' : 'good'} />
            </div>
            <table class="compact">
              <tbody>
                {Object.entries(overview.data.lastRun.byClass)
                  .filter(([, n]) => n > 0)
                  .map(([c, n]) => (
                    <tr key={c}>
                      <th>
                        <a href={href(`/runs/${overview.data?.lastRun?.runId}`, { class: c })}>{c}</a>
                      </th>
                      <td>{n}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </>
        ) : null}
      </Section>
      <Section title="Webhook intake, last 24 hours">
        {overview.data ? (
          <div class="figures">
            <Figure label="received" value={overview.data.intake.received} />
            <Figure label="processed" value={overview.data.intake.processed} tone="good" />
            <Figure label="pending" value={overview.data.intake.pending} />
            <Figure label="dead" value={overview.data.intake.dead} tone={overview.data.intake.dead ? 'bad' : 'good'} />
          </div>
        ) : null}
        {overview.data?.intake.dead ? (
          <p>
            <a href={href('/dead-letters')}>{overview.data.intake.dead} dead letters need a look</a>
          </p>
        ) : null}
      </Section>
      <Section title="Contract drift">
        {contract && !contract.available ? (
          <p class="muted" data-contract="unavailable">
            No contract report on this stage yet: the contract canary has not run (it runs hourly where enabled; locally run `npm run verify-p100`).
          </p>
        ) : null}
        {contract?.available ? (
          <p data-contract="available">
            {contract.findings ?? 0} drift findings in {contract.driftedOperations ?? 0} operations, checked {time(contract.checkedAt)}
          </p>
        ) : null}
      </Section>
    </>
  );
}
