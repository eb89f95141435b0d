import { walkthrough } from '../../services/dev/walkthrough.ts';
import { consoleLogger } from '../../shared/adapters/logging/pretty-logger.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { startLocalTopology } from './topology.ts';

// `npm run start:emulators`: the Google Cloud topology on this machine. SIGINT or SIGTERM stops all of it.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig({ ...process.env, RUNTIME: 'embedded' });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}
const logger = consoleLogger(config.LOG_FORMAT, config.LOG_LEVEL);
let stopping = false;
let stopTopology: (() => Promise<void>) | null = null;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.log('INFO', 'stopping the local topology', { signal });
  await stopTopology?.();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// whoever started us (npm, a shell, a test) going away stops everything too, so nothing is left holding a port
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown('parent exited');
}, 500).unref();

const topology = await startLocalTopology({
  port: config.PORT,
  ...(config.RUNTIME === 'embedded' ? { host: config.HOST } : {}),
  // emulators someone already runs are reused
  ...(config.FIRESTORE_EMULATOR_HOST ? { firestoreHost: config.FIRESTORE_EMULATOR_HOST } : {}),
  ...(config.PUBSUB_EMULATOR_HOST ? { pubsubHost: config.PUBSUB_EMULATOR_HOST } : {}),
  settings: process.env,
  logger,
});
stopTopology = topology.stop;
if (stopping) await topology.stop();
console.log(`\nLocal Google Cloud topology (emulators), one process per service:`);
for (const [name, where] of Object.entries(topology.services)) {
  const pid = topology.processes.get(name)?.pid;
  console.log(`  ${name.padEnd(18)} ${where}${pid ? `  (pid ${pid})` : ''}`);
}
console.log(`Front door listening on ${topology.baseUrl} (set HOST to change the interface)`);
if (config.PRINT_WALKTHROUGH) console.log(walkthrough(topology.baseUrl, topology.operatorKey));
