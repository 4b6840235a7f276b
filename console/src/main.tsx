import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi } from './api.js';
import { completeSignIn, currentToken, signIn, signOut } from './auth.js';
import { loadConfig, type ConsoleConfig } from './config.js';
import { href, useRoute } from './router.js';
import { DeadLettersScreen } from './screens/dead-letters.js';
import { InboxEventScreen } from './screens/inbox-event.js';
import { InboxScreen } from './screens/inbox.js';
import { OverviewScreen } from './screens/overview.js';
import { RunScreen } from './screens/run.js';
import { RunsScreen } from './screens/runs.js';
import { TimelineScreen } from './screens/timeline.js';
import './style.css';

const NAV = [
  ['/', 'Overview'],
  ['/runs', 'Reconciliation'],
  ['/inbox', 'Inbox'],
  ['/dead-letters', 'Dead letters'],
  ['/timeline', 'Timeline'],
] as const;

function Screen() {
  const { path, params } = useRoute();
  const [first, second] = path;
  switch (first) {
    case undefined:
      return <OverviewScreen />;
    case 'runs':
      return second ? <RunScreen runId={second} params={params} /> : <RunsScreen />;
    case 'inbox':
      return second ? <InboxEventScreen eventId={second} /> : <InboxScreen params={params} />;
    case 'dead-letters':
      return <DeadLettersScreen />;
    case 'timeline':
      return <TimelineScreen params={params} />;
    default:
      return <p class="error">No screen at {location.hash}.</p>;
  }
}

function App({ config }: { config: ConsoleConfig }) {
  const { path } = useRoute();
  const current = `/${path[0] ?? ''}`;
  return (
    <>
      <header>
        <strong>P100 suite</strong> <span class="muted">operator console, {config.stage}</span>
        <nav>
          {NAV.map(([to, label]) => (
            <a key={to} href={href(to)} class={current === to ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        {config.auth.mode === 'cognito' ? (
          <button type="button" class="secondary" onClick={() => signOut(config.auth)}>
            Sign out
          </button>
        ) : (
          <span class="muted" title="The local gateway asks for no credentials">
            local: sign-in bypassed
          </span>
        )}
      </header>
      <main>
        <Screen />
      </main>
    </>
  );
}

function Root() {
  const [state, setState] = useState<{ config?: ConsoleConfig; error?: string; needsSignIn?: boolean }>({});
  useEffect(() => {
    (async () => {
      const config = await loadConfig();
      configureApi(config);
      if (config.auth.mode === 'cognito') {
        await completeSignIn(config.auth);
        if (!currentToken()) return setState({ config, needsSignIn: true });
      }
      setState({ config });
    })().catch((e: unknown) => setState({ error: e instanceof Error ? e.message : String(e) }));
  }, []);
  if (state.error)
    return (
      <p class="error" role="alert">
        {state.error}
      </p>
    );
  if (!state.config) return <p class="muted">Loading…</p>;
  const { config } = state;
  if (state.needsSignIn && config.auth.mode === 'cognito') {
    const auth = config.auth;
    return (
      <main class="signin">
        <h1>P100 suite operator console</h1>
        <button type="button" onClick={() => void signIn(auth)}>
          Sign in
        </button>
      </main>
    );
  }
  return <App config={config} />;
}

const mount = document.getElementById('app');
if (mount) render(<Root />, mount);
