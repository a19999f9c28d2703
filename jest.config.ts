import type { Config } from 'jest';

/** One runner for every suite: shared rules, the local engine, cloud functions, pages and journeys. */
const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2021' } }] },
  testMatch: ['**/?(*.)+(test|spec).ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/build/', '/miniprogram_npm/', '/e2e/automator/', '<rootDir>/.tmp/', '<rootDir>/.data/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/helpers/demo-bank.global-setup.ts',
};

export default config;
