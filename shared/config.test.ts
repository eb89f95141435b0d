import test from 'ava';
import { ConfigError, loadConfig, loadGoogleConfig, razorpayKeys } from './config.ts';

const GOOGLE = {
  RUNTIME: 'google',
  SERVICE: 'notifier',
  GOOGLE_CLOUD_PROJECT: 'p',
  PUSH_OIDC_AUDIENCE: 'https://notifier.example',
  PUSH_SERVICE_ACCOUNT: 'pusher@p.iam.gserviceaccount.com',
};

test('config: nothing set → the embedded runtime with the defaults, on 127.0.0.1', (t) => {
  t.like(loadConfig({}), { RUNTIME: 'embedded', PORT: 8080, HOST: '127.0.0.1', STATUS_CHECK_INTERVAL_SECONDS: 900 });
});

test('config: LOG_LEVEL takes the common lower-case names', (t) => {
  t.is(loadConfig({ LOG_LEVEL: 'debug' }).LOG_LEVEL, 'DEBUG');
  t.is(loadConfig({ LOG_LEVEL: 'warn' }).LOG_LEVEL, 'WARNING');
  t.is(loadConfig({ LOG_LEVEL: 'ERROR' }).LOG_LEVEL, 'ERROR');
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), { instanceOf: ConfigError, message: /LOG_LEVEL/ });
});

test('config: RUNTIME=google names every missing required key in one message', (t) => {
  const error = t.throws(() => loadConfig({ RUNTIME: 'google' }), { instanceOf: ConfigError });
  for (const key of ['SERVICE', 'GOOGLE_CLOUD_PROJECT', 'PUSH_OIDC_AUDIENCE', 'PUSH_SERVICE_ACCOUNT']) {
    t.regex(error.message, new RegExp(key));
  }
});

test('config: the Google variant needs no Razorpay secret until a service asks for the gateway', (t) => {
  const config = loadGoogleConfig(GOOGLE);
  t.like(config, { RUNTIME: 'google', SERVICE: 'notifier', HOST: '0.0.0.0' });
  t.throws(() => razorpayKeys(config, 'the api service'), {
    instanceOf: ConfigError,
    message: /the api service needs: RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET/,
  });
});

test('config: SERVICE_URLS parses name=url pairs and refuses anything else', (t) => {
  const config = loadConfig({ SERVICE_URLS: 'status-checker=https://a.example, refunds=https://b.example' });
  t.is(config.SERVICE_URLS.get('refunds'), 'https://b.example');
  t.throws(() => loadConfig({ SERVICE_URLS: 'refunds' }), { instanceOf: ConfigError, message: /SERVICE_URLS/ });
});

test('config: APP_WEBHOOK_URL without its secret → refused', (t) => {
  t.throws(() => loadConfig({ APP_WEBHOOK_URL: 'https://app.example/hook' }), { instanceOf: ConfigError });
});
