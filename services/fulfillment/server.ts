import { serveOnGoogle } from '../google/serve.ts';
import { createApp } from './app.ts';

// Cloud Run entry point of the fulfillment service.
serveOnGoogle('fulfillment', (deps, config) => createApp({ ...deps, bodyLimitBytes: config.BODY_LIMIT_BYTES }));
