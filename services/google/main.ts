import { loadConfig } from '../../shared/config.ts';

// The container's entry point: one image for every service, `SERVICE` picks which one this Cloud Run service runs.
const { SERVICE } = loadConfig(process.env);
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
  case 'sandbox-gateway':
    await import('../sandbox-gateway/server.ts');
    break;
  case undefined:
    console.error('SERVICE must name the service to run: api, webhooks, status-checker, notifier or sandbox-gateway');
    process.exit(1);
}
