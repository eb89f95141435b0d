/**
 * Runs the Cloud Run entry point (services/google/main.ts) as a child of the emulator topology, and stops it when the
 * topology goes: its stdin is a pipe from the topology, so when that closes (the parent stopped, or was killed outright)
 * the service gets the SIGTERM Cloud Run would send. Nothing else differs from a container's start.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
await import('../../services/google/main.ts');
