/** Jest runs the TypeScript sources as ES modules (our @actions/* dependencies are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // only the project's own folders: .cache/ holds the Go module cache (with other projects' tests and snapshots)
  roots: ['<rootDir>/__tests__', '<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  // the Context class of @actions/github without its index (see tsconfig.json paths)
  moduleNameMapper: { '^@actions/github/lib/context$': '<rootDir>/node_modules/@actions/github/lib/context.js' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // the e2e suite drives one real docker engine and real registries: give it time, and run test files one at a time
  // (files side by side would share the one docker engine and the CPU, and make e2e timings flaky)
  testTimeout: 120000,
  // workflow commands written by code under test stay off the console (the runner would act on them)
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/quiet-workflow-commands.ts'],
  maxWorkers: 1,
  verbose: false,
  reporters: ['default', '<rootDir>/scripts/jest-totals-reporter.js']
}
