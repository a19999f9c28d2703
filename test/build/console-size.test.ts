/**
 * `npm run size` holds the console's first load to a budget (scripts/check-size.ts): today's build is within
 * it, and a build whose first load grew past it is reported over.
 */
import { CONSOLE_FIRST_LOAD_LIMIT, CONSOLE_SIGNIN_LIMIT, consoleBudget } from '../../scripts/check-size';

const screens = (signin: number) => [
  { name: 'signin', files: ['chunks/signin.js'], gzip: signin, hasZod: false },
  { name: 'dashboard', files: ['chunks/dashboard.js'], gzip: 190 * 1024, hasZod: false },
];

it('reports the first load and the sign-in screen against their limits', () => {
  const fits = consoleBudget({ firstLoadGzip: 87 * 1024, screens: screens(11 * 1024) });
  expect(fits.map((c) => c.bytes <= c.limit)).toEqual([true, true]);
  expect(fits.map((c) => c.limit)).toEqual([CONSOLE_FIRST_LOAD_LIMIT, CONSOLE_SIGNIN_LIMIT]);
  // A library pulled into the entry: both over.
  const grown = consoleBudget({ firstLoadGzip: 87 * 1024 + 20 * 1024, screens: screens(11 * 1024) });
  expect(grown.map((c) => c.bytes > c.limit)).toEqual([true, true]);
  // The sign-in screen's own chunk grown: only it is over.
  const signin = consoleBudget({ firstLoadGzip: 87 * 1024, screens: screens(30 * 1024) });
  expect(signin.map((c) => c.bytes > c.limit)).toEqual([false, true]);
});
