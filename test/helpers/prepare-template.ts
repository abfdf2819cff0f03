/**
 * Called once per test run by scripts/test.mjs, which is plain JavaScript and
 * cannot load the TypeScript migrations itself.
 *
 *   node --import tsx test/helpers/prepare-template.ts postgres <database-url>
 *   node --import tsx test/helpers/prepare-template.ts pglite <output.tar>
 */
import fs from 'node:fs';
import path from 'node:path';
import { migratePostgres, migratedPGliteDump } from './template.ts';

const [kind, target] = process.argv.slice(2);

if (kind === 'postgres' && target) {
  await migratePostgres(target);
} else if (kind === 'pglite' && target) {
  const dump = await migratedPGliteDump();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, Buffer.from(await dump.arrayBuffer()));
} else {
  console.error('usage: prepare-template.ts postgres <database-url> | pglite <output.tar>');
  process.exit(2);
}
