import tseslint from 'typescript-eslint';

/**
 * Lint rules, including the architecture's import boundaries (STYLE.md):
 * the platform never imports a feature, views never touch the database or
 * the environment, and a feature reaches another only through its index.
 */
export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tmp/**', 'public/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/platform/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/features/**'], message: 'The platform never imports a feature.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/features/*/views/**/*.tsx', 'src/features/**/views.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/*.repository.ts', '**/platform/db/database.ts', 'kysely', 'pg'],
              message: 'Views never touch the database.',
            },
            { group: ['**/config.ts'], message: 'Views never read the environment.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/features/**/*.{ts,tsx}'],
    ignores: ['src/features/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./features/|^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.tsx?$).+',
              message: 'Reach another feature only through its index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['migrations/**', 'src/platform/db/migrations/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.',
              message: 'Migrations are frozen in time: never import application code.',
            },
          ],
        },
      ],
    },
  },
);
