/** Time comes from here, never from `Date.now()`, so tests and simulations can drive it. */
export interface Clock {
  now(): Date;
}
