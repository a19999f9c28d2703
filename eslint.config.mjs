import { readdirSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Forbids imports from `files` that climb out of their folder into the named top-level folders. */
function layer(files, message, folders) {
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: `^(\\.\\./)+(${folders})`, message }] }] } }];
}

/** Every cloud function's folder, read from the tree so that a new function is held to the rule from its first file. */
const FUNCTIONS = readdirSync(fileURLToPath(new URL('./cloudfunctions/', import.meta.url)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** A function imports server/ and shared/, never another function's folder (nor local/, scripts/, the clients, tests). */
const functionLayers = FUNCTIONS.flatMap((fn) => {
  const others = FUNCTIONS.filter((f) => f !== fn).join('|');
  const siblings = others ? `(cloudfunctions/)?(${others})/|` : '';
  return layer(`cloudfunctions/${fn}/**/*.ts`, 'a function imports server/ and shared/, never another function (what two share lives in server/)', `${siblings}(local|scripts|miniprogram|console|test)/`);
});

export default tseslint.config(
  { ignores: ['node_modules/', '.tmp/', 'build/', '.data/', 'coverage/', 'screenshots/', '**/miniprogram_npm/', 'miniprogram/**/*.js', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // The layers of docs/architecture.md: nothing imports upward or sideways (a function is bundled and deployed
  // alone, so importing another function's folder would copy its code in silently).
  ...layer('shared/**/*.ts', 'shared/ imports nothing of the project but itself', '(server|cloudfunctions|local|scripts|miniprogram|test)/'),
  ...layer('server/**/*.ts', 'server/ imports shared/ only', '(cloudfunctions|local|scripts|miniprogram|test)/'),
  ...functionLayers,
  ...layer('local/**/*.ts', 'local/ runs the functions as bundles and takes the seed as a parameter', '(cloudfunctions|scripts|miniprogram|test)/'),
  ...layer('console/**/*.{ts,tsx}', 'the console reaches shared/ and data only through functions (console/src/api.ts)', '(server|cloudfunctions|local|scripts|miniprogram|test)/'),
  ...layer('miniprogram/**/*.ts', 'the mini program reaches shared/ through vendor/shared and data through functions', '(shared|server|cloudfunctions|local|scripts|test)/'),
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } } },
);
