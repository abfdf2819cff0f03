import { recordAudit } from '../../platform/audit.ts';
import type { Principal } from '../../platform/auth/session.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { CatalogApi, CredentialDefinition } from '../catalog/index.ts';
import type { HeldAwardView } from '../progress/index.ts';
import { LOGO_CONTENT_TYPES, checkLogoFile, type LogoKind } from './logos.file-check.ts';
import * as repo from './logos.repository.ts';
import { isHeld } from './verification.rules.ts';

/**
 * Program logos per credential. Program managers upload files (checked by
 * content) and publish usage guidelines as numbered versions. A candidate
 * whose award of the credential is active accepts the current version once,
 * then downloads; an expired, suspended or revoked award loses access.
 * Every download is logged.
 */

export const MAX_GUIDELINES = 20_000;

/** Who makes a console change (a signed-in program manager's principal fits). */
export type Actor = Pick<Principal, 'userId'>;

export interface LogoFileView {
  id: number;
  fileName: string;
  kind: LogoKind;
  size: number;
  createdAt: Date;
}

export interface Guidelines {
  version: number;
  body: string;
  createdAt: Date;
}

export interface StoredLogo {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface UploadedLogo {
  name: string;
  bytes: Uint8Array;
  truncated: boolean;
}

export interface AwardSource {
  awardByNumber(credentialNumber: string): Promise<HeldAwardView | undefined>;
}

/** What the candidate's logo page shows. */
export type CandidateLogos =
  | { access: 'withdrawn'; award: HeldAwardView }
  | { access: 'accept'; award: HeldAwardView; guidelines: Guidelines; files: LogoFileView[] }
  | { access: 'open'; award: HeldAwardView; guidelines: Guidelines | null; files: LogoFileView[] };

export class LogosService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly awards: AwardSource,
  ) {}

  // ---------------------------------------------------------------- console

  async overview() {
    const [defs, counts] = await Promise.all([this.catalog.definitions(), repo.overview(this.db)]);
    return defs.credentials
      .filter((c) => c.status !== 'draft' || counts.files.has(c.id))
      .map((c) => ({
        code: c.code,
        name: c.name,
        status: c.status,
        files: counts.files.get(c.id) ?? 0,
        guidelinesVersion: counts.guidelines.get(c.id) ?? null,
        downloads: counts.downloads.get(c.id) ?? 0,
      }));
  }

  private async credential(code: string): Promise<CredentialDefinition> {
    const defs = await this.catalog.definitions();
    const credential = defs.credentialsByCode.get(code.trim().toUpperCase());
    if (!credential) throw notFound();
    return credential;
  }

  async forCredential(code: string) {
    const credential = await this.credential(code);
    const [files, guidelines, downloads] = await Promise.all([
      repo.filesOf(this.db, credential.id),
      repo.currentGuidelines(this.db, credential.id),
      repo.recentDownloads(this.db, credential.id, 50),
    ]);
    return {
      credential: { code: credential.code, name: credential.name },
      files: files.map(toFileView),
      guidelines: guidelines ? toGuidelines(guidelines) : null,
      downloads: downloads.map((d) => ({
        at: d.at,
        credentialNumber: d.credential_number,
        fileName: d.file_name,
        guidelinesVersion: d.guidelines_version,
      })),
    };
  }

  async upload(
    actor: Actor,
    code: string,
    file: UploadedLogo | undefined,
    ip: string,
  ): Promise<{ ok: true; fileName: string } | { ok: false; problems: FieldProblem[] }> {
    const credential = await this.credential(code);
    if (!file || (file.bytes.length === 0 && !file.name)) {
      return { ok: false, problems: [{ field: 'file', messageKey: 'logos.problem.required' }] };
    }
    const check = checkLogoFile(file);
    if (!check.ok) {
      return {
        ok: false,
        problems: [{ field: 'file', messageKey: `logos.problem.${check.problem}` }],
      };
    }
    await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertFile(trx, {
        credentialId: credential.id,
        fileName: check.fileName,
        kind: check.kind,
        bytes: file.bytes,
        uploadedBy: actor.userId,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'credentials.logo_uploaded',
        subjectType: 'credential',
        subjectId: credential.code,
        details: {
          fileId: id,
          fileName: check.fileName,
          kind: check.kind,
          size: file.bytes.length,
        },
        ip,
      });
    });
    return { ok: true, fileName: check.fileName };
  }

  async removeFile(actor: Actor, code: string, fileId: number, ip: string): Promise<string> {
    const credential = await this.credential(code);
    return this.db.transaction().execute(async (trx) => {
      const removed = await repo.deleteFile(trx, credential.id, fileId);
      if (!removed) throw notFound();
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'credentials.logo_removed',
        subjectType: 'credential',
        subjectId: credential.code,
        details: { fileId, fileName: removed.file_name },
        ip,
      });
      return removed.file_name;
    });
  }

  async publishGuidelines(
    actor: Actor,
    code: string,
    rawBody: string | undefined,
    ip: string,
  ): Promise<{ ok: true; version: number } | { ok: false; problems: FieldProblem[] }> {
    const credential = await this.credential(code);
    const body = (rawBody ?? '').replace(/\r\n/g, '\n').trim();
    if (!body)
      return {
        ok: false,
        problems: [{ field: 'body', messageKey: 'logos.problem.guidelinesRequired' }],
      };
    if (body.length > MAX_GUIDELINES || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(body)) {
      return {
        ok: false,
        problems: [
          {
            field: 'body',
            messageKey: 'logos.problem.guidelinesTooLong',
            params: { max: MAX_GUIDELINES },
          },
        ],
      };
    }
    const version = await this.db.transaction().execute(async (trx) => {
      const current = await repo.currentGuidelines(trx, credential.id);
      if (current && current.body === body) return current.version;
      const next = await repo.nextGuidelinesVersion(trx, credential.id);
      await repo.insertGuidelines(trx, {
        credentialId: credential.id,
        version: next,
        body,
        createdBy: actor.userId,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'credentials.logo_guidelines_published',
        subjectType: 'credential',
        subjectId: credential.code,
        details: { version: next },
        ip,
      });
      return next;
    });
    return { ok: true, version };
  }

  async fileForStaff(code: string, fileId: number): Promise<StoredLogo> {
    const credential = await this.credential(code);
    const row = await repo.fileWithBytes(this.db, credential.id, fileId);
    if (!row) throw notFound();
    return { fileName: row.file_name, contentType: LOGO_CONTENT_TYPES[row.kind], bytes: row.file };
  }

  // ---------------------------------------------------------------- candidates

  /** The candidate's own award by number; anyone else's answers 404, like a number that does not exist. */
  private async ownAward(userId: number, credentialNumber: string): Promise<HeldAwardView> {
    const award = await this.awards.awardByNumber(credentialNumber.trim().toUpperCase());
    if (!award || award.userId !== userId) throw notFound();
    return award;
  }

  async candidatePage(userId: number, credentialNumber: string): Promise<CandidateLogos> {
    const award = await this.ownAward(userId, credentialNumber);
    if (!isHeld(award, new Date())) return { access: 'withdrawn', award };
    const [files, current] = await Promise.all([
      repo.filesOf(this.db, award.credentialId),
      repo.currentGuidelines(this.db, award.credentialId),
    ]);
    const guidelines = current ? toGuidelines(current) : null;
    if (
      guidelines &&
      !(await repo.hasAccepted(this.db, userId, award.credentialId, guidelines.version))
    ) {
      return { access: 'accept', award, guidelines, files: files.map(toFileView) };
    }
    return { access: 'open', award, guidelines, files: files.map(toFileView) };
  }

  /** Accepts the given guidelines version, which must be the current one. */
  async accept(
    userId: number,
    credentialNumber: string,
    version: number,
    ip: string,
  ): Promise<void> {
    const award = await this.ownAward(userId, credentialNumber);
    if (!isHeld(award, new Date())) throw accessWithdrawn();
    const current = await repo.currentGuidelines(this.db, award.credentialId);
    if (!current || current.version !== version) {
      throw new AppError('GUIDELINES_CHANGED', 409, 'logos.guidelinesChanged');
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAcceptance(trx, userId, award.credentialId, version);
      await recordAudit(trx, {
        actorUserId: userId,
        action: 'credentials.logo_guidelines_accepted',
        subjectType: 'award',
        subjectId: award.credentialNumber,
        details: { version },
        ip,
      });
    });
  }

  /** A logo file for the candidate: their award active, current guidelines accepted; logged. */
  async download(userId: number, credentialNumber: string, fileId: number): Promise<StoredLogo> {
    const award = await this.ownAward(userId, credentialNumber);
    if (!isHeld(award, new Date())) throw accessWithdrawn();
    const current = await repo.currentGuidelines(this.db, award.credentialId);
    if (
      current &&
      !(await repo.hasAccepted(this.db, userId, award.credentialId, current.version))
    ) {
      throw new AppError('GUIDELINES_NOT_ACCEPTED', 403, 'logos.acceptFirst');
    }
    const row = await repo.fileWithBytes(this.db, award.credentialId, fileId);
    if (!row) throw notFound();
    await repo.insertDownload(this.db, {
      userId,
      credentialId: award.credentialId,
      fileId: row.id,
      credentialNumber: award.credentialNumber,
      fileName: row.file_name,
      guidelinesVersion: current?.version ?? null,
    });
    return { fileName: row.file_name, contentType: LOGO_CONTENT_TYPES[row.kind], bytes: row.file };
  }
}

function accessWithdrawn(): AppError {
  return new AppError('LOGOS_WITHDRAWN', 403, 'logos.withdrawn');
}

function toFileView(row: Awaited<ReturnType<typeof repo.filesOf>>[number]): LogoFileView {
  return {
    id: row.id,
    fileName: row.file_name,
    kind: row.kind,
    size: row.file_size,
    createdAt: row.created_at,
  };
}

function toGuidelines(row: { version: number; body: string; created_at: Date }): Guidelines {
  return { version: row.version, body: row.body, createdAt: row.created_at };
}
