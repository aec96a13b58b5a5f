// Lint: typescript-eslint's recommended rules, and the layering of ARCHITECTURE.md for
// what the compiler alone cannot see (package imports such as 'electron' or 'node:fs').
import tseslint from 'typescript-eslint';

const electronOnlyInShell = {
  name: 'electron',
  message: "Only electron/ may import 'electron': native/ also runs headless (revtel serve) and renderer/ in a browser.",
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    files: ['native/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }] },
  },
  {
    files: ['native/telnet/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell],
        patterns: [{
          regex: '^[^.]',
          message: 'native/telnet is pure: it imports nothing but its own files (no node:*, no packages).',
        }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell],
        patterns: [
          { regex: '^node:', message: 'renderer/ runs in a browser: no Node modules.' },
          { regex: '/native/(?!api/)', message: 'renderer/ talks to the back end only through native/api.' },
        ],
      }],
    },
  },
);
