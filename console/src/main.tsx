import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi } from './api.js';
import { completeSignIn, currentToken, signIn, signOut } from './auth.js';
import { ConfigError, loadConfig, type ConsoleConfig } from './config.js';
import { href, useRoute } from './router.js';
import { DeadLettersScreen } from './screens/dead-letters.js';
import { ExceptionScreen, ExceptionsScreen } from './screens/exceptions.js';
import { InboxEventScreen } from './screens/inbox-event.js';
import { InboxScreen } from './screens/inbox.js';
import { OverviewScreen } from './screens/overview.js';
import { RunScreen } from './screens/run.js';
import { RunsScreen } from './screens/runs.js';
import { TimelineScreen } from './screens/timeline.js';
import './style.css';

const NAV = [
  ['/', 'Overview'],
  ['/exceptions', 'Exceptions'],
  ['/runs', 'Reconciliation'],
  ['/inbox', 'Inbox'],
  ['/dead-letters', 'Dead letters'],
  ['/timeline', 'Timeline'],
] as const;

function Screen({ path, params }: { path: string[]; params: URLSearchParams }) {
  const [first, second] = path;
  switch (first) {
    case undefined:
      return <OverviewScreen />;
    case 'exceptions':
      return second ? <ExceptionScreen exceptionId={second} /> : <ExceptionsScreen params={params} />;
    case 'runs':
      return second ? <RunScreen runId={second} params={params} /> : <RunsScreen params={params} />;
    case 'inbox':
      return second ? <InboxEventScreen eventId={second} /> : <InboxScreen params={params} />;
    case 'dead-letters':
      return <DeadLettersScreen params={params} />;
    case 'timeline':
      return <TimelineScreen params={params} />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p role="alert">
            There is no screen at <code>{location.hash}</code>. Use the menu above, or go to the <a href={href('/')}>overview</a>.
          </p>
        </>
      );
  }
}

function App({ config }: { config: ConsoleConfig }) {
  const { path, params, hash } = useRoute();
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
        {/* Keyed by the URL: every state is rebuilt from it (Back, Forward, reload), no form keeps a stale value. */}
        <Screen key={hash} path={path} params={params} />
      </main>
    </>
  );
}

function Root() {
  const [state, setState] = useState<{ config?: ConsoleConfig; error?: string; configMissing?: boolean; needsSignIn?: boolean }>({});
  useEffect(() => {
    (async () => {
      const config = await loadConfig();
      configureApi(config);
      if (config.auth.mode === 'cognito') {
        await completeSignIn(config.auth);
        if (!currentToken()) return setState({ config, needsSignIn: true });
      }
      setState({ config });
    })().catch((e: unknown) => setState({ error: e instanceof Error ? e.message : String(e), configMissing: e instanceof ConfigError }));
  }, []);
  if (state.error)
    return (
      <main class="signin">
        <h1>P100 suite operator console</h1>
        <p class="error" role="alert" data-config-error>
          {state.configMissing ? 'The console cannot start.' : 'The console could not start.'} {state.error}
        </p>
        <p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </p>
      </main>
    );
  if (!state.config) return <p class="muted">Loading…</p>;
  const { config } = state;
  if (state.needsSignIn && config.auth.mode === 'cognito') {
    const auth = config.auth;
    return (
      <main class="signin">
        <h1>P100 suite operator console</h1>
        <p>You are signed out. Sign in with your operator account of this stage ({config.stage}).</p>
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
