import { ConfigError, loadConfig } from '../../shared/config.ts';

// The container's entry point: one image for every service, `SERVICE` picks which one this Cloud Run service runs.
process.on('uncaughtException', (error) => {
  // a configuration mistake is one clear log line naming what to fix, not a stack trace
  const message = error instanceof ConfigError ? error.message : `fatal: ${error.message}`;
  console.error(JSON.stringify({ severity: 'ERROR', message }));
  process.exit(1);
});
const { SERVICE } = loadConfig({ RUNTIME: 'google', ...process.env });
switch (SERVICE) {
  case 'api':
    await import('../api/server.ts');
    break;
  case 'webhooks':
    await import('../webhooks/server.ts');
    break;
  case 'status-checker':
    await import('../status-checker/server.ts');
    break;
  case 'notifier':
    await import('../notifier/server.ts');
    break;
  case 'fulfillment':
    await import('../fulfillment/server.ts');
    break;
  case 'refunds':
    await import('../refunds/server.ts');
    break;
  case 'sandbox-gateway':
    await import('../sandbox-gateway/server.ts');
    break;
  case undefined:
    console.error(
      'SERVICE must name the service to run: api, webhooks, status-checker, notifier, fulfillment, refunds or sandbox-gateway',
    );
    process.exit(1);
}
