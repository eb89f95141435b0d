import test from 'ava';
import { registerAfterPaymentScenarios } from './after-payment-scenarios.ts';
import { embeddedHarness } from './embedded-harness.ts';
import { registerScenarios } from './scenarios.ts';

registerScenarios(
  test,
  'embedded',
  () => embeddedHarness(),
  (h) => h.close(),
);

registerAfterPaymentScenarios(
  test,
  'embedded',
  () => embeddedHarness(),
  (h) => h.close(),
);
