// Lint rules, including the import zones of ../shared/ARCHITECTURE.md:
//   ui → store → core,  monitor → streams → core,  bus → streams,  cli sees everything.
// A forbidden import fails `npm run lint` (test/lint/zones.test.ts proves each zone bites).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (name) => [`**/${name}/*`, `**/${name}`];
const zone = (files, forbiddenLayers, forbiddenPackages, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: forbiddenPackages.map((name) => ({ name, message: why })),
        patterns: [{ group: forbiddenLayers.flatMap(layer), message: why }],
      },
    ],
  },
});

const UI_LIBS = ['react', 'ink', 'react/jsx-runtime'];
const REDIS_LIBS = ['ioredis'];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '.bench-tmp/',
      'test/lint/fixtures/',
      'docs/api/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-control-regex': 'off',
    },
  },
  zone(
    ['src/core/**'],
    ['streams', 'bus', 'monitor', 'store', 'ui', 'cli', 'demo', 'testing'],
    [...REDIS_LIBS, ...UI_LIBS, 'zustand'],
    'core/ is pure: it imports nothing outside itself (ARCHITECTURE.md).',
  ),
  zone(
    ['src/streams/**'],
    ['bus', 'monitor', 'store', 'ui', 'cli', 'demo'],
    [...UI_LIBS, 'zustand'],
    'streams/ (the library) imports only core/ (ARCHITECTURE.md).',
  ),
  zone(
    ['src/bus/**'],
    ['monitor', 'store', 'ui', 'cli', 'demo'],
    [...UI_LIBS, 'zustand'],
    'bus/ builds on streams/ and core/ only (ARCHITECTURE.md).',
  ),
  zone(
    ['src/monitor/**'],
    ['store', 'ui', 'cli', 'demo', 'bus'],
    [...UI_LIBS, 'zustand'],
    'monitor/ emits messages; it never imports store/ or ui/ (ARCHITECTURE.md).',
  ),
  zone(
    ['src/store/**'],
    ['streams', 'bus', 'monitor', 'ui', 'cli', 'demo'],
    [...REDIS_LIBS, ...UI_LIBS],
    'store/ is pure reducers over core/ types (ARCHITECTURE.md).',
  ),
  zone(
    ['src/ui/**'],
    ['streams', 'bus', 'monitor', 'cli', 'demo'],
    REDIS_LIBS,
    'ui/ reads the store and calls actions; it never talks to Redis (ARCHITECTURE.md).',
  ),
  zone(
    ['src/demo/**'],
    ['store', 'ui', 'cli', 'monitor'],
    [...UI_LIBS, 'zustand'],
    'demo/ drives the library; the CLI composes it with the monitor (ARCHITECTURE.md).',
  ),
);
