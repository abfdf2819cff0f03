import { verifyCredential } from '@digitalcredentials/verifier-core';
import type { App } from '../../src/app.ts';

/**
 * The independent verifier (@digitalcredentials/verifier-core), with its
 * network served by the app under test: it resolves the issuer's did:web and
 * fetches the status lists through `globalThis.fetch`, which is routed here
 * to `app.inject` for the app's host. Anything else (the 1EdTech JSON schema
 * it also tries) answers 404: the tests are offline.
 */

export interface VerificationLog {
  /** Step id -> valid, e.g. valid_signature, revocation_status, suspension_status, expiration. */
  steps: Record<string, boolean>;
  /** Fatal errors (invalid signature, unresolvable key...), by name. */
  errors: string[];
}

export async function verifyWithApp(
  app: App,
  publicUrl: string,
  credential: unknown,
): Promise<VerificationLog> {
  const host = new URL(publicUrl).host;
  const realFetch = globalThis.fetch;
  const quiet = { error: console.error, log: console.log };
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    if (url.host !== host) return new Response('offline', { status: 404 });
    const response = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: { accept: 'application/json' },
    });
    return new Response(response.rawPayload, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') },
    });
  };
  // verifier-core prints the (offline) schema fetch failure; it is not a finding of these tests.
  console.error = () => undefined;
  console.log = () => undefined;
  try {
    const result = (await verifyCredential({
      credential: credential as never,
      knownDIDRegistries: [],
    })) as { log?: { id: string; valid?: boolean }[]; errors?: { name: string }[] };
    const steps: Record<string, boolean> = {};
    for (const entry of result.log ?? []) steps[entry.id] = entry.valid === true;
    return { steps, errors: (result.errors ?? []).map((e) => e.name) };
  } finally {
    globalThis.fetch = realFetch;
    console.error = quiet.error;
    console.log = quiet.log;
  }
}
