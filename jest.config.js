/** Jest runs the TypeScript sources as ES modules (our @actions/* dependencies are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // the e2e suite drives real docker and registries: give it time, run files one at a time on small machines
  testTimeout: 120000,
  maxWorkers: 2,
  verbose: false,
  reporters: ['default', '<rootDir>/scripts/jest-totals-reporter.js']
}
