import { walkthrough } from '../../services/embedded/walkthrough.ts';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { loadConfig } from '../../shared/config.ts';
import { startLocalTopology } from './topology.ts';

// `npm run start:emulators`: the Google Cloud topology on this machine. Ctrl-C stops all of it.
const config = loadConfig(process.env);
const logger = new JsonLogger(config.LOG_LEVEL);
const topology = await startLocalTopology({
  port: config.PORT,
  statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
  paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
  logger,
});
console.log(`\nLocal Google Cloud topology (emulators):`);
for (const [name, where] of Object.entries(topology.services)) console.log(`  ${name.padEnd(18)} ${where}`);
console.log(walkthrough(topology.baseUrl, topology.operatorKey));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.log('INFO', 'stopping the local topology', { signal });
  await topology.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
