import test from 'ava';
import { embeddedHarness } from './embedded-harness.ts';
import { registerReconciliationScenarios } from './reconciliation-scenarios.ts';

registerReconciliationScenarios(
  test,
  'embedded',
  () => embeddedHarness(),
  (h) => h.close(),
  { checksRunOnTheirOwn: false },
);
