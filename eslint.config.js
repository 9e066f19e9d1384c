import tseslint from 'typescript-eslint';
import rooms from './eslint-rules/rooms.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'artifacts/**', 'models/weights/**', '.test-results/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { rooms: { rules: { imports: rooms } } },
    rules: {
      'rooms/imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
