import type { ApiScope } from '../../src/platform/auth/api-keys.ts';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import type { App } from '../../src/app.ts';

/** A live API key with these scopes (and provider), as an admin would create it; returns the key. */
export async function givenApiKey(
  app: App,
  options: { scopes: ApiScope[]; provider?: string; name?: string },
): Promise<string> {
  const { key } = await createApiKey(app.platform.db, null, {
    name: options.name ?? `test key ${options.scopes.join('+')}`,
    scopes: options.scopes,
    provider: options.provider,
  });
  return key;
}

/** Headers that authenticate a call with this key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
