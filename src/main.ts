import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

try {
  const config = loadConfig();
  const started = Date.now();
  const { address } = await startServer(config);
  const shown = address.replace('://127.0.0.1', '://localhost');
  process.stdout.write(
    `\nLaurel is running at ${config.production ? config.publicUrl : shown} (ready in ${Date.now() - started} ms)\n\n`,
  );
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
