/**
 * Imported first by main.tsx. The screens that validate with the shared rules load zod with their own
 * chunk; zod must never probe `new Function` there (the page's Content-Security-Policy forbids eval, and
 * Chromium reports even a caught probe as a violation). zod reads its configuration from
 * `globalThis.__zod_globalConfig` when it loads, so setting `jitless` here keeps zod itself out of the
 * first screen's code.
 */
const g = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
(g.__zod_globalConfig ??= {}).jitless = true;

export {};
