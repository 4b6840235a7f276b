import { ApiError, api } from '../api.js';
import { href } from '../router.js';
import { Figure, Failure, Loading, Section, time, useLoad } from '../ui.js';
import { type ContractReport, contractDrift, type Overview } from '../types.js';

/** The contract report, or null where the route does not exist yet or no report was written (404). */
async function contractReport(): Promise<ContractReport | null> {
  try {
    return await api<ContractReport>('/operations/contract/reports/latest');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function OverviewScreen() {
  const overview = useLoad(() => api<Overview>('/operations/overview'), []);
  const contract = useLoad(contractReport, []);
  return (
    <>
      <h1>Overview</h1>
      <Section title="Last reconciliation run">
        {overview.error ? <Failure error={overview.error} /> : null}
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
        {contract.error ? <Failure error={contract.error} /> : null}
        {contract.loading && !contract.data ? <Loading /> : null}
        {!contract.loading && contract.data === null ? (
          <p class="muted" data-contract="unavailable">
            not available (no contract report on this stage)
          </p>
        ) : null}
        {contract.data ? (
          <p data-contract="available">
            {contractDrift(contract.data).findings} drift findings in {contractDrift(contract.data).operations} operations, checked{' '}
            {time(contract.data.finishedAt ?? contract.data.startedAt)}
          </p>
        ) : null}
      </Section>
    </>
  );
}
