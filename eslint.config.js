// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Time and randomness outside the simulation kernel would break replay from a seed. */
const nondeterminism = {
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'setInterval', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'setImmediate', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'performance', message: 'Wall time belongs to benchmarks only.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Use the virtual Clock: only the simulation kernel touches time.' },
    { object: 'Math', property: 'random', message: 'Use a seeded Rng forked from the run seed.' },
    { object: 'crypto', property: 'randomUUID', message: 'Ids come from the seeded Rng.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date']", message: 'Use the virtual Clock: only the simulation kernel touches time.' },
    { selector: "ImportSpecifier[imported.name='randomUUID']", message: 'Ids come from the seeded Rng.' },
    { selector: "ImportSpecifier[imported.name='randomBytes']", message: 'Randomness comes from the seeded Rng.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.saga/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      ...nondeterminism,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The kernel owns time and randomness; everything else reads wall time through its wallClockMs.
  { files: ['src/kernel/**'], rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' } },
);
