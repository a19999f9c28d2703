/**
 * The console's shell: asks who is signed in, shows the sign-in screen while no one is, else the left nav
 * and the screen of the hash route (`#/dashboard`, `#/import?…`), each screen loaded on first use.
 */
import './zod-config';
import { StrictMode, Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { createRoot } from 'react-dom/client';
import { fetchSession, onSignedOut, signOut, signedOutNotice, type SessionState } from './api';
import { SCREENS, DEFAULT_SCREEN, signInScreen, type ScreenDef } from './screens';
import { SessionContext, mark, type ConsoleSession } from './session';
import './console.css';

const started = performance.now();
// Who is signed in is asked while React starts, not after its first render.
let firstSession: Promise<SessionState> | null = fetchSession();
firstSession.catch(() => undefined); // a failure is handled when the shell reads it

const lazyScreens = new Map<string, LazyExoticComponent<ComponentType>>();
function screenComponent(def: ScreenDef): LazyExoticComponent<ComponentType> {
  let c = lazyScreens.get(def.name);
  if (!c) lazyScreens.set(def.name, (c = lazy(def.load)));
  return c;
}
const SignIn = lazy(signInScreen) as LazyExoticComponent<ComponentType<{ onSignedIn(): void; demo: boolean; notice?: string }>>;

/** The route of the hash: `#/name?query`. */
function routeOf(hash: string): { name: string; query: URLSearchParams } {
  const m = /^#\/([a-z0-9-]+)(?:\?(.*))?$/.exec(hash);
  return { name: m?.[1] ?? DEFAULT_SCREEN, query: new URLSearchParams(m?.[2] ?? '') };
}

function useHashRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return routeOf(hash);
}

function Loading() {
  return <div className="c-loading" role="status">加载中…</div>;
}

function Shell({ session }: { session: ConsoleSession }) {
  const route = useHashRoute();
  const me = session.me;
  const screens = SCREENS.filter((s) => !s.roles || s.roles.includes(me.role));
  const current = screens.find((s) => s.name === route.name) ?? screens.find((s) => s.name === DEFAULT_SCREEN) ?? screens[0];
  const Screen = screenComponent(current);
  const groups = [...new Set(screens.map((s) => s.group))];
  useEffect(() => {
    document.title = `${current.title} · 总行控制台`;
  }, [current]);
  return (
    <div className="c-shell">
      <aside className="c-nav" aria-label="导航">
        <div className="c-brand">商户网格 · 控制台</div>
        {groups.map((g) => (
          <div key={g} className="c-nav-group">
            <div className="c-nav-head">{g}</div>
            {screens
              .filter((s) => s.group === g)
              .map((s) => (
                <a key={s.name} href={`#/${s.name}`} className={s.name === current.name ? 'c-nav-item on' : 'c-nav-item'} aria-current={s.name === current.name ? 'page' : undefined}>
                  {s.title}
                </a>
              ))}
          </div>
        ))}
      </aside>
      <div className="c-main">
        <header className="c-top">
          <h1 className="c-title">{current.title}</h1>
          <div className="c-user">
            <span className="c-user-name">{me.name}</span>
            <span className="c-user-role">
              {me.roleLabel}
              {me.unit ? ` · ${me.unit.name}` : ''}
            </span>
            <button type="button" className="c-link" onClick={() => void session.signOut()}>
              退出登录
            </button>
          </div>
        </header>
        <main className="c-content">
          <Suspense fallback={<Loading />}>
            <Screen key={current.name} />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

function App() {
  const [state, setState] = useState<SessionState | null>(null);
  const [notice, setNotice] = useState('');
  /** Whether the session has ended since the last sign-in (a later refusal keeps the first one's notice). */
  const ended = useRef(false);
  const refresh = useCallback(async () => {
    try {
      const pending = firstSession ?? fetchSession();
      firstSession = null;
      const next = await pending;
      if (next.ended) setNotice(signedOutNotice(next.ended));
      ended.current = !next.signedIn;
      setState(next);
    } catch {
      setState({ signedIn: false, demo: false });
      setNotice('无法连接服务，请稍后刷新页面。');
    }
  }, []);
  useEffect(() => {
    void refresh();
    return onSignedOut((why) => {
      // The first refusal says why (a role changed); the calls still in flight then find no session at all.
      if (ended.current) return;
      ended.current = true;
      setNotice(why);
      setState((s) => (s ? { ...s, signedIn: false, me: undefined } : s));
    });
  }, [refresh]);
  const session = useMemo<ConsoleSession | null>(
    () =>
      state?.signedIn && state.me
        ? {
            me: state.me,
            expiresAt: state.expiresAt ?? null,
            signOut: async () => {
              await signOut();
              setNotice('已退出登录。');
              await refresh();
            },
          }
        : null,
    [state, refresh],
  );
  if (!state) return <Loading />;
  if (!session) {
    return (
      <Suspense fallback={<Loading />}>
        <SignIn
          demo={state.demo}
          notice={notice}
          onSignedIn={() => {
            setNotice('');
            void refresh();
          }}
        />
      </Suspense>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
mark('shellMs', performance.now() - started);
