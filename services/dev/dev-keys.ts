/**
 * The development Razorpay keys of the sandbox gateway, used by `npm start` and the emulator topology when no keys
 * are configured. They only ever sign requests to the local sandbox; the Google runtime never reads this module.
 */
export const DEV_RAZORPAY_KEYS = {
  keyId: 'rzp_test_development00',
  keySecret: 'development_key_secret_not_for_production',
  webhookSecret: 'development_webhook_secret_not_for_production',
} as const;

export interface RazorpayKeys {
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
}
