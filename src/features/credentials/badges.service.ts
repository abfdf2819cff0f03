import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { hmac } from '../../platform/auth/tokens.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import { CatalogService, type CatalogApi } from '../catalog/index.ts';
import {
  describeText,
  normalizeCredentialNumber,
  type ProgressService,
} from '../progress/index.ts';
import { badgeFileName, buildOpenBadge, type StatusPurpose } from './badges.ts';
import type { IssuerKeys } from './issuer-keys.ts';
import { bundledDocumentLoader } from './jsonld-loader.ts';
import {
  encodeList,
  flaggedIndexes,
  listCount,
  listFingerprint,
  statusPositionFor,
  unsignedStatusListCredential,
} from './status-lists.ts';

/**
 * Signs Open Badges 3.0 credentials for awards and serves the issuer's
 * status lists. The holder downloads a badge for an active or expired award;
 * after that, the status lists say whether it was suspended or revoked.
 */
export interface Badge {
  fileName: string;
  credential: Record<string, unknown>;
}

export interface BadgeHolder {
  readonly userId: number;
  readonly email: string;
}

const documentLoader = bundledDocumentLoader();

export class BadgeService {
  private readonly lists = new Map<
    string,
    { fingerprint: string; credential: Record<string, unknown> }
  >();

  constructor(
    private readonly deps: {
      db: Database;
      publicUrl: string;
      secret: string;
      keys: IssuerKeys;
      program: Pick<ProgramSettings, 'get'>;
      catalog: Pick<CatalogApi, 'definitions'>;
      progress: Pick<ProgressService, 'awardsOf'>;
    },
  ) {}

  /** Signs a credential with the current issuer key (Data Integrity, eddsa-rdfc-2022). */
  async sign(credential: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { keyPair } = await this.deps.keys.currentSigner();
    const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
    return vc.issue({ credential, suite, documentLoader });
  }

  /**
   * The holder's badge for one of their awards. Another person's number, or
   * an unknown one, is not found; a suspended or revoked award has none.
   */
  async badgeFor(holder: BadgeHolder, rawNumber: string): Promise<Badge> {
    const number = normalizeCredentialNumber(rawNumber);
    if (!number) throw notFound();
    const [awards, defs, program] = await Promise.all([
      this.deps.progress.awardsOf(holder.userId),
      this.deps.catalog.definitions(),
      this.deps.program.get(),
    ]);
    const award = awards.find((a) => a.credentialNumber === number);
    if (!award) throw notFound();
    if (award.status === 'suspended' || award.status === 'revoked') {
      throw new AppError('BADGE_UNAVAILABLE', 409, 'credentials.badges.unavailable', {
        status: award.status,
      });
    }
    const credential = defs.credentialsById.get(award.credentialId);
    if (!credential) throw notFound();
    const version =
      credential.requirements.find((v) => v.version === award.requirementVersion) ??
      credential.requirements[credential.requirements.length - 1];
    const criteria = version
      ? describeText(version.tree, { names: CatalogService.names(defs) })
      : credential.description;
    const status = await statusPositionFor(this.deps.db, award.id);
    const unsigned = buildOpenBadge({
      publicUrl: this.deps.publicUrl,
      issuer: {
        did: this.deps.keys.did,
        name: program.name,
        url: this.deps.publicUrl,
        email: program.supportEmail,
      },
      award: {
        credentialNumber: award.credentialNumber,
        awardedAt: award.awardedAt,
        expiresAt: award.expiresAt,
      },
      credential: {
        code: credential.code,
        name: credential.name,
        kind: credential.kind,
        description: credential.description,
        criteria: criteria.endsWith('.') ? criteria : `${criteria}.`,
      },
      // One salt per award, derived (not stored): the same badge hashes the same way each time.
      holder: {
        email: holder.email,
        salt: hmac(this.deps.secret, 'badge-salt', String(award.id)).slice(0, 22),
      },
      status,
    });
    return {
      fileName: badgeFileName(credential.code, award.credentialNumber),
      credential: await this.sign(unsigned),
    };
  }

  /**
   * A signed status list credential, or undefined for a list that does not
   * exist. Built from the awards' status now; signed again only when the set
   * bits or the key changed.
   */
  async statusList(
    purpose: StatusPurpose,
    listNumber: number,
  ): Promise<Record<string, unknown> | undefined> {
    const { db } = this.deps;
    if (listNumber < 1 || listNumber > (await listCount(db))) return undefined;
    const [indexes, signer] = await Promise.all([
      flaggedIndexes(db, purpose, listNumber),
      this.deps.keys.currentSigner(),
    ]);
    const cacheKey = `${purpose}/${listNumber}`;
    const fingerprint = listFingerprint(signer.verificationMethod, indexes);
    const cached = this.lists.get(cacheKey);
    if (cached?.fingerprint === fingerprint) return cached.credential;
    const credential = await this.sign(
      unsignedStatusListCredential({
        publicUrl: this.deps.publicUrl,
        issuerDid: this.deps.keys.did,
        purpose,
        listNumber,
        encodedList: await encodeList(indexes),
        // A minute back: a verifier whose clock runs a little behind still accepts it.
        validFrom: new Date(Date.now() - 60_000),
      }),
    );
    this.lists.set(cacheKey, { fingerprint, credential });
    return credential;
  }
}
