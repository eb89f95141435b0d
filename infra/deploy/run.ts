// `npm run infra:apply`: see infra/deploy/cli.ts for the options.
import { ConfigError } from '../../shared/config.ts';
import { main } from './cli.ts';

main(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
  ({ code }) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
