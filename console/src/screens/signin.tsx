/**
 * Sign-in: a QR code holding a one-time ticket (two minutes), scanned with 扫码 in the mini program by a
 * bound head-office or branch person, who confirms it there; the console polls the ticket and is signed
 * in as that person. Expired or cancelled codes say so and offer a fresh one. Where the gateway has the
 * demo list on, the demo accounts sign in with one click, as the mini program's preview does.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toString as qrSvg } from 'qrcode';
import { errorText, fetchDemoAccounts, issueConsoleTicket, pollConsoleTicket, revokeConsoleTicket, signInDemo, type ConsoleTicketView, type DemoAccount } from '../api';
import { mark } from '../session';

/** TDesign's button by its classes (the sign-in screen stays free of the component library's code). */
function Button({ children, onClick, variant = 'base' }: { children: React.ReactNode; onClick(): void; variant?: 'base' | 'outline' }) {
  return (
    <button type="button" className={`t-button t-button--theme-primary t-button--variant-${variant} t-size-m`} onClick={onClick}>
      <span className="t-button__text">{children}</span>
    </button>
  );
}

const POLL_MS = 1500;
const started = performance.now();

type Phase = { kind: 'loading' } | { kind: 'waiting'; ticket: ConsoleTicketView; svg: string } | { kind: 'confirmed'; name: string } | { kind: 'gone'; why: string } | { kind: 'error'; why: string };

export default function SignIn({ onSignedIn, demo, notice }: { onSignedIn(): void; demo: boolean; notice?: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [left, setLeft] = useState(0);
  const [accounts, setAccounts] = useState<DemoAccount[]>([]);
  const [demoError, setDemoError] = useState('');
  const ticketRef = useRef<string | null>(null);

  const fresh = useCallback(async () => {
    setPhase({ kind: 'loading' });
    try {
      const t = await issueConsoleTicket();
      ticketRef.current = t.ticket;
      setPhase({ kind: 'waiting', ticket: t, svg: await qrSvg(t.qrText, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) });
    } catch (err) {
      setPhase({ kind: 'error', why: errorText(err) });
    }
  }, []);

  useEffect(() => {
    void fresh();
    // Leaving the screen before the scan: the code can no longer sign anyone in.
    return () => {
      const t = ticketRef.current;
      ticketRef.current = null;
      if (t) void revokeConsoleTicket(t).catch(() => undefined);
    };
  }, [fresh]);

  useEffect(() => {
    if (!demo) return;
    fetchDemoAccounts().then(setAccounts, () => setAccounts([]));
  }, [demo]);

  useEffect(() => {
    if (phase.kind !== 'loading') mark('signInReadyMs', performance.now() - started);
    // When the code is on the screen, from the navigation's start (the page's own clock, the frame after it is drawn).
    if (phase.kind === 'waiting') requestAnimationFrame(() => mark('signInShownAt', performance.now()));
  }, [phase.kind]);

  // Poll the ticket while its code is shown, and count down its time.
  useEffect(() => {
    if (phase.kind !== 'waiting') return;
    const { ticket } = phase.ticket;
    const end = new Date(phase.ticket.expiresAt).getTime();
    let stopped = false;
    const tick = () => setLeft(Math.max(0, Math.round((end - Date.now()) / 1000)));
    tick();
    const clock = setInterval(tick, 1000);
    const poll = async () => {
      if (stopped) return;
      try {
        const s = await pollConsoleTicket(ticket);
        if (stopped) return;
        if (s.session && s.person) {
          ticketRef.current = null;
          setPhase({ kind: 'confirmed', name: s.person.name });
          onSignedIn();
          return;
        }
        if (s.status === 'confirmed' && s.person) setPhase({ kind: 'confirmed', name: s.person.name });
        if (s.status === 'expired') return setPhase({ kind: 'gone', why: '二维码已过期' });
        if (s.status === 'revoked') return setPhase({ kind: 'gone', why: '登录已在手机上取消' });
        if (s.status === 'used') return setPhase({ kind: 'gone', why: '二维码已使用' });
      } catch {
        // A dropped answer: ask again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    let timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(clock);
    };
  }, [phase, onSignedIn]);

  return (
    <div className="c-signin">
      <div className="c-signin-card">
        <h1>商户网格 · 总行控制台</h1>
        <p className="c-muted">请用商户网格小程序“扫码”登录（工作台或商户页的扫码），在手机上确认后自动进入。仅总行和支行人员可以使用控制台。</p>
        {notice ? <p className="c-notice" role="status">{notice}</p> : null}
        <div className="c-qr" aria-live="polite">
          {phase.kind === 'loading' && <div className="c-qr-box c-muted">正在生成二维码…</div>}
          {phase.kind === 'waiting' && (
            <>
              <div className="c-qr-box" role="img" aria-label="登录二维码" data-testid="console-qr" dangerouslySetInnerHTML={{ __html: phase.svg }} />
              <div className="c-muted">{left > 0 ? `二维码 ${left} 秒后过期` : '二维码已过期'}</div>
            </>
          )}
          {phase.kind === 'confirmed' && <div className="c-qr-box c-ok">{phase.name} 已在手机上确认，正在登录…</div>}
          {(phase.kind === 'gone' || phase.kind === 'error') && (
            <div className="c-qr-box c-gone">
              <p>{phase.why}</p>
              <Button onClick={() => void fresh()}>刷新二维码</Button>
            </div>
          )}
        </div>
        {accounts.length > 0 && (
          <div className="c-demo">
            <h2>演示账号</h2>
            <p className="c-muted">本机演示模式：不扫码，直接以演示账号登录。</p>
            {accounts.map((a) => (
              <Button
                key={a.openid}
                variant="outline"
                onClick={() =>
                  void signInDemo(a.openid).then(onSignedIn, (err) => setDemoError(errorText(err)))
                }
              >
                以{a.role === 'hq' ? '总行' : '支行'} {a.name} 登录
              </Button>
            ))}
            {demoError ? <p className="c-error">{demoError}</p> : null}
          </div>
        )}
      </div>
    </div>
  );
}
