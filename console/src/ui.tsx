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

export function Failure({ error }: { error: Error }) {
  return (
    <p class="error" role="alert">
      {error instanceof ApiError ? `${error.status} ${error.message}` : error.message}
    </p>
  );
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
