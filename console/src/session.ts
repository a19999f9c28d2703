/** The signed-in person, for the shell and every screen (`useMe()`), and the console's timings for the tests. */
import { createContext, useContext } from 'react';
import type { MeOutput } from './api';

export interface ConsoleSession {
  me: MeOutput;
  expiresAt: string | null;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<ConsoleSession | null>(null);

/** The signed-in person (screens render only inside a session). */
export function useMe(): MeOutput {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useMe outside a signed-in console');
  return s.me;
}

export function useSession(): ConsoleSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

/** Figures the console measures about itself (first screen interactive, table renders), read by the browser tests. */
export const timings: Record<string, number> = ((globalThis as any).__consoleTimings ??= {});

export function mark(name: string, ms: number): void {
  timings[name] = Math.round(ms * 10) / 10;
}
