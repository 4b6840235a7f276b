import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/** Loads on mount and when `deps` change; `reload` fetches again (after a replay). */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data?: T; error?: Error; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading() {
  return <p class="muted">Loading…</p>;
}

/** What went wrong and the way out, in words (issue 26): never a bare "Failed to fetch". */
export function explain(error: Error): { what: string; todo: string; signIn?: boolean } {
  if (!(error instanceof ApiError)) return { what: error.message, todo: 'Reload the page; if it happens again, tell the team with the time.' };
  switch (error.status) {
    case 0:
      return {
        what: `The suite's API is not reachable (${error.detail ?? 'no answer'}).`,
        todo: 'Is the suite running? Locally start it with `npm start`; in AWS check the stage is deployed. Then press Retry.',
      };
    case 401:
      return { what: 'You are signed out (your session ended or was never started).', todo: 'Sign in again, then come back to this page.', signIn: true };
    case 403:
      return { what: 'Forbidden: your user may not use this route.', todo: 'Ask an administrator to add you to the operators of this stage.' };
    case 404:
      return { what: `Not found: ${error.detail ?? error.title}.`, todo: 'Check the id in the address, or go back to the list it came from.' };
    case 409:
      return { what: `Not done: ${error.detail ?? error.title}.`, todo: 'Reload to see the current state, then try again.' };
    default:
      if (error.status >= 500)
        return { what: `The API failed (${error.status} ${error.title}).`, todo: 'Retry in a minute; if it stays, see the runbook entry Api5xx.' };
      return { what: `Refused (${error.status}): ${error.detail ?? error.title}.`, todo: 'Correct the input and try again.' };
  }
}

export function Failure({ error, retry }: { error: Error; retry?: () => void }) {
  const e = explain(error);
  return (
    <div class="failure" role="alert" data-failure={error instanceof ApiError ? error.status : 'error'}>
      <p class="error">{e.what}</p>
      <p>
        {e.todo}{' '}
        {e.signIn ? (
          <button type="button" onClick={() => location.reload()}>
            Sign in
          </button>
        ) : null}
        {retry ? (
          <button type="button" class="secondary" onClick={retry}>
            Retry
          </button>
        ) : null}
      </p>
    </div>
  );
}

/** A table that scrolls inside its own box at narrow widths, never the page. */
export function Scroll({ children }: { children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
    <section class="scroll" tabIndex={0} aria-label="table, scrolls sideways">
      {children}
    </section>
  );
}

/** Previous / next links (URLs: Back and reload keep the page) and the count in words. */
export function Pager({ prev, next, label }: { prev?: string | undefined; next?: string | undefined; label: string }) {
  return (
    <nav class="pager" aria-label="pages">
      {prev ? (
        <a href={prev} data-page="prev">
          ← Previous
        </a>
      ) : (
        <span class="muted">← Previous</span>
      )}
      <span data-count>{label}</span>
      {next ? (
        <a href={next} data-page="next">
          Next →
        </a>
      ) : (
        <span class="muted">Next →</span>
      )}
    </nav>
  );
}

/** Ours and P100's values side by side, differing rows marked (not only by colour: a "≠" and a label). */
export function Diff({ rows }: { rows: readonly { field: string; ours: unknown; theirs: unknown; differs: boolean; compared?: boolean }[] }) {
  const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <Scroll>
      <table class="diff">
        <thead>
          <tr>
            <th>field</th>
            <th>ours</th>
            <th>P100</th>
            <th>
              <span class="sr-only">differs</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.field} class={r.differs && r.compared !== false ? 'differs' : ''} data-diff={r.field} data-differs={String(r.differs)}>
              <th>{r.field}</th>
              <td>{show(r.ours)}</td>
              <td>{show(r.theirs)}</td>
              <td>{r.compared === false ? <span class="muted">{r.differs ? 'each side’s own' : '='}</span> : r.differs ? <strong>≠ differs</strong> : '='}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** How long ago, in the largest whole unit ("3 d", "5 h", "12 min"). */
export function age(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - Date.parse(iso));
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "N" or "more than N": a count the API could only bound. */
export function countLabel(shownFrom: number, shown: number, total: number | undefined, more: boolean): string {
  if (shown === 0) return 'none';
  const range = `${shownFrom + 1}–${shownFrom + shown}`;
  if (total !== undefined) return `${range} of ${more ? `more than ${total}` : total}`;
  return more ? `${range} of more than ${shownFrom + shown}` : `${range} of ${shownFrom + shown}`;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Figure({ label, value, tone }: { label: string; value: number | string; tone?: 'bad' | 'good' }) {
  return (
    <div class={`figure ${tone ?? ''}`} data-figure={label}>
      <span class="value">{value}</span>
      <span class="label">{label}</span>
    </div>
  );
}

export function Badge({ text }: { text: string }) {
  return <span class={`badge badge-${text.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>{text}</span>;
}

/** A value of unknown shape, as the API gave it (already masked): compact JSON. */
export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function time(iso: string | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}
