import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Nx module boundaries; tests of infrastructure may also use libs/testing. */
function boundaries(inTests) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:testing'] },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', ...(inTests ? ['type:testing'] : [])] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:testing'] },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:domain'],
        bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'fastify', 'pino', 'testcontainers', '@testcontainers/*'],
      },
      { sourceTag: 'scope:basic', onlyDependOnLibsWithTags: ['scope:basic', 'scope:shared'] },
      { sourceTag: 'scope:critical-illness', onlyDependOnLibsWithTags: ['scope:critical-illness', 'scope:shared'] },
      { sourceTag: 'scope:assistance', onlyDependOnLibsWithTags: ['scope:assistance', 'scope:shared'] },
      { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:audit', 'scope:shared'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'tmp/**', 'node_modules/**', 'deploy/local/.runtime/**', 'coverage/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      // apps never import apps; the domain (contracts, money, settlement) imports no infrastructure
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
    },
  },
  {
    files: ['deploy/**/*.js', 'tools/**/*.js', 'jest.*.js', 'libs/testing/src/jest/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        setTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tools/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // a decider is pure: no framework, no database, no broker, no clock of its own
    files: ['**/*.decider.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', '@msb/eventing', '@msb/platform', 'pg', 'typeorm', 'kafkajs'],
              message: 'a decider is pure: it takes its facts in the command and its state, and does no I/O',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
);
