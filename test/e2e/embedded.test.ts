import test from 'ava';
import { embeddedHarness } from './embedded-harness.ts';
import { registerScenarios } from './scenarios.ts';

registerScenarios(
  test,
  'embedded',
  () => embeddedHarness(),
  (h) => h.close(),
);
