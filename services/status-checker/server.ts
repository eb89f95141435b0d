import { serveOnGoogle } from '../google/serve.ts';
import { createApp } from './app.ts';

// Cloud Run entry point of the status-checker service.
serveOnGoogle('status-checker', (deps, config) => createApp({ ...deps, bodyLimitBytes: config.BODY_LIMIT_BYTES }));
