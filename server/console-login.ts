/**
 * The console's sign-in on CloudBase: a confirmed ticket is answered with a custom-login ticket for the
 * person (node-sdk `auth().createTicket(customUserId)`), which the console's web SDK turns into a login
 * (`auth().customAuthProvider().signInWithTicket(ticket)`); its calls then carry that login, and a function
 * reads the person back as `auth().getUserInfo().customUserId` (callerOfCustomLogin below). Creating
 * tickets needs the environment's custom-login private key (docs/console.md). Locally there is no
 * CloudBase auth: the gateway issues the session itself, so the login ticket is null.
 */

/** CloudBase runs functions on SCF, which sets TENCENTCLOUD_RUNENV=SCF in every function's environment. */
function onCloudBase(): boolean {
  return process.env.TENCENTCLOUD_RUNENV === 'SCF';
}

/** The custom-login user id of a staff member (CloudBase allows 4–32 letters, digits and `_-`). */
export function customUserIdOf(staffId: string): string {
  return `s_${staffId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
}

/** A custom-login ticket for `staffId` on CloudBase, refreshable until `sessionEnd`; null locally. */
export async function cloudLoginTicket(staffId: string, sessionEnd: Date, now: Date): Promise<string | null> {
  if (!onCloudBase()) return null;
  // Loaded only on CloudBase: the local runtime never needs the node SDK's auth client.
  const tcb = require('@cloudbase/node-sdk') as { init(o: object): { auth(): { createTicket(uid: string, o?: object): string } }; SYMBOL_CURRENT_ENV: unknown };
  const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
  return app.auth().createTicket(customUserIdOf(staffId), { refresh: Math.max(60_000, sessionEnd.getTime() - now.getTime()), expire: sessionEnd.getTime() });
}
