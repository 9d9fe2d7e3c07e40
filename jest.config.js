// Three kinds of tests (STYLE.md): *.spec.ts pure and fast, *.int-spec.ts against real
// Postgres and Kafka, *.e2e-spec.ts against the four running services over HTTP.
const preset = require('./jest.preset');

const roots = ['<rootDir>/apps', '<rootDir>/libs'];

module.exports = {
  projects: [
    { ...preset, displayName: 'unit', roots, testMatch: ['**/*.spec.ts'] },
    {
      ...preset,
      displayName: 'int',
      roots,
      testMatch: ['**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
      slowTestThreshold: 60,
    },
    {
      ...preset,
      displayName: 'faults',
      roots: ['<rootDir>/tests'],
      testMatch: ['**/*.faults-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
      slowTestThreshold: 600,
    },
    {
      ...preset,
      displayName: 'chaos',
      roots: ['<rootDir>/tests'],
      testMatch: ['**/*.chaos-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
      slowTestThreshold: 3600,
    },
    {
      ...preset,
      displayName: 'e2e',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tests'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/e2e-global-teardown.ts',
      // every spec's time on its PASS line: the phase must keep npm test under 15 minutes
      slowTestThreshold: 5,
    },
  ],
};
