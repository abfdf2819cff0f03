import { recordAudit } from '../../platform/audit.ts';
import type { Principal } from '../../platform/auth/session.ts';
import type { Database } from '../../platform/db/database.ts';
import type { CertificateImageType } from '../../platform/db/schema.ts';
import { AppError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import {
  formatDate,
  resolveLocale,
  supportedLocales,
  translator,
} from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo, ProgramSettings } from '../../platform/program.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { CatalogApi } from '../catalog/index.ts';
import type { FastifyInstance } from 'fastify';
import type { AwardView } from '../progress/index.ts';
import * as repo from './certificates.repository.ts';
import {
  canEmbed,
  PAPER_SIZES,
  renderCertificate,
  unprintableCharacters,
  type CertificateBranding,
  type CertificateContent,
  type CertificateImage,
  type PaperSize,
} from './certificates.pdf.ts';
import {
  certificateFileName,
  certificateFingerprint,
  unavailableReason,
  verificationUrl,
  type Unavailable,
} from './my-credentials.rules.ts';

/**
 * Certificates: who may have one (an active award of their own), what is
 * printed (the name on the account, the credential, its dates and number,
 * the verification address and QR code, the credential's template), the
 * cache per award and template, the record of every request, and emailing
 * the PDF. Program managers keep the templates.
 */

/** Bumped when the layout changes, so that cached certificates are made again. */
const RENDERER_VERSION = 1;
/** 2 MiB per template image: a background scanned at print resolution fits. */
export const MAX_TEMPLATE_IMAGE_BYTES = 2 * 1024 * 1024;
const MAX_SIGNATORY = 120;

export const CERTIFICATE_RATE: RateRule = {
  name: 'certificate:user',
  limit: 60,
  windowSeconds: 3600,
};

export type Delivery = 'download' | 'email' | 'both';

export interface CertificateRequestInput {
  paper?: string | undefined;
  language?: string | undefined;
  download?: string | undefined;
  email?: string | undefined;
}

export interface CertificatePageView {
  award: AwardView;
  unavailable: Unavailable | null;
  holderName: string;
  /** Characters of the name the certificate font cannot print; the certificate is refused then. */
  unprintable: string[];
  languages: string[];
  recent: { at: Date; paper: PaperSize; language: string; delivery: Delivery }[];
}

export interface TemplateView {
  credentialId: number;
  credentialCode: string;
  credentialName: string;
  version: number | null;
  signatoryName: string;
  signatoryTitle: string;
  hasBackground: boolean;
  hasLogo: boolean;
  hasSignature: boolean;
  updatedAt: Date | null;
}

export interface UploadedImage {
  name: string;
  bytes: Uint8Array;
  truncated: boolean;
}

export interface TemplateInput {
  signatoryName?: string | undefined;
  signatoryTitle?: string | undefined;
  background?: UploadedImage | undefined;
  logo?: UploadedImage | undefined;
  signature?: UploadedImage | undefined;
  removeBackground?: string | undefined;
  removeLogo?: string | undefined;
  removeSignature?: string | undefined;
}

export interface CertificateDependencies {
  db: Database;
  catalog: CatalogApi;
  progress: FastifyInstance['progress'];
  accounts: AccountsService;
  program: ProgramSettings;
  limiter: RateLimiter;
  publicUrl: string;
}

export class CertificateService {
  constructor(private readonly deps: CertificateDependencies) {}

  /** The candidate's own award, or 404 (unknown number and someone else's answer the same). */
  async ownAward(userId: number, credentialNumber: string): Promise<AwardView> {
    const award = await this.deps.progress.awardOfUser(userId, credentialNumber);
    if (!award) throw notFound();
    return award;
  }

  async page(
    userId: number,
    credentialNumber: string,
    now = new Date(),
  ): Promise<CertificatePageView> {
    const award = await this.ownAward(userId, credentialNumber);
    const account = await this.deps.accounts.accountSummary(userId);
    const holderName = fullName(account.givenName, account.familyName);
    const recent = await repo.requestsOfAward(this.deps.db, award.id, 5);
    return {
      award,
      unavailable: unavailableReason(award, now),
      holderName,
      unprintable: unprintableCharacters(holderName),
      languages: [...supportedLocales],
      recent: recent.map((r) => ({
        at: r.created_at,
        paper: r.paper,
        language: r.language,
        delivery: r.delivery,
      })),
    };
  }

  /**
   * A certificate request: checks the choices and the award, makes (or
   * finds in the cache) the PDF, records the request and, when asked,
   * writes the email with the PDF attached, in one transaction.
   */
  async request(
    principal: Principal,
    credentialNumber: string,
    input: CertificateRequestInput,
    timeZone: string,
  ): Promise<
    | { ok: true; pdf: Uint8Array | null; fileName: string; emailed: boolean }
    | { ok: false; problems: FieldProblem[] }
  > {
    const award = await this.ownAward(principal.userId, credentialNumber);
    const now = new Date();
    const unavailable = unavailableReason(award, now);
    if (unavailable) {
      throw new AppError('CERTIFICATE_UNAVAILABLE', 409, `certificates.unavailable.${unavailable}`);
    }
    const problems: FieldProblem[] = [];
    const paper = PAPER_SIZES.find((p) => p === input.paper);
    if (!paper) problems.push({ field: 'paper', messageKey: 'certificates.v.paper' });
    const language =
      input.language && supportedLocales.includes(input.language) ? input.language : undefined;
    if (!language) problems.push({ field: 'language', messageKey: 'certificates.v.language' });
    const download = isChecked(input.download);
    const email = isChecked(input.email);
    if (!download && !email)
      problems.push({ field: 'delivery', messageKey: 'certificates.v.delivery' });
    if (problems.length > 0 || !paper || !language) return { ok: false, problems };

    await this.deps.limiter.consume(CERTIFICATE_RATE, String(principal.userId));
    const account = await this.deps.accounts.accountSummary(principal.userId);
    const holderName = fullName(account.givenName, account.familyName);
    if (unprintableCharacters(holderName).length > 0) {
      throw new AppError('NAME_NOT_PRINTABLE', 409, 'certificates.unprintableTitle');
    }
    const program = await this.deps.program.get();
    const { pdf, templateVersion } = await this.certificate(award, holderName, program, {
      paper,
      language,
      timeZone,
    });
    const fileName = certificateFileName(award.credentialCode, award.credentialNumber);
    const delivery: Delivery = download && email ? 'both' : download ? 'download' : 'email';

    await this.deps.db.transaction().execute(async (trx) => {
      await repo.insertRequest(trx, {
        user_id: principal.userId,
        award_id: award.id,
        paper,
        language,
        delivery,
        template_version: templateVersion,
      });
      if (email) {
        const t = translator(principal.locale);
        await queueEmail(trx, program, {
          to: account.email,
          toName: holderName,
          userId: principal.userId,
          template: 'credentials.certificate',
          content: {
            subject: t('certificates.mail.subject', { credential: award.credentialName }),
            greeting: t('mail.greeting', { name: account.givenName }),
            paragraphs: [
              t('certificates.mail.body', {
                credential: award.credentialName,
                number: award.credentialNumber,
              }),
              t('certificates.mail.verify'),
            ],
            action: {
              label: t('certificates.mail.action'),
              url: verificationUrl(this.deps.publicUrl, award.credentialNumber),
            },
          },
          attachments: [
            {
              filename: fileName,
              contentType: 'application/pdf',
              content: Buffer.from(pdf).toString('base64'),
            },
          ],
          footer: {
            sentBy: t('mail.sentBy', { program: program.name }),
            help: t('mail.help', { email: program.supportEmail }),
          },
        });
      }
    });
    return { ok: true, pdf: download ? pdf : null, fileName, emailed: email };
  }

  /**
   * The PDF for an award: from the cache when nothing printed and not the
   * template has changed since it was made, else made now and cached.
   */
  async certificate(
    award: AwardView,
    holderName: string,
    program: ProgramInfo,
    options: { paper: PaperSize; language: string; timeZone: string },
  ): Promise<{ pdf: Uint8Array; templateVersion: number | null; cached: boolean }> {
    const db = this.deps.db;
    const templateVersion = await repo.templateVersionOf(db, award.credentialId);
    const key = { awardId: award.id, paper: options.paper, language: options.language };
    const content = this.content(award, holderName, program, options, null);
    const fingerprint = certificateFingerprint({
      renderer: RENDERER_VERSION,
      template: templateVersion,
      paper: options.paper,
      language: options.language,
      program: program.name,
      accent: program.accentColor,
      name: holderName,
      credential: award.credentialName,
      number: award.credentialNumber,
      awarded: content.awardedOn,
      expires: content.expiresOn,
      url: content.verificationUrl,
    });
    const cached = await repo.cachedFile(db, key, fingerprint);
    if (cached) return { pdf: cached, templateVersion, cached: true };
    const template =
      templateVersion === null ? undefined : await repo.templateOf(db, award.credentialId);
    const pdf = await renderCertificate({ ...content, branding: brandingOf(template) });
    await repo.storeFile(db, key, fingerprint, pdf);
    return { pdf, templateVersion: template?.version ?? templateVersion, cached: false };
  }

  private content(
    award: Pick<AwardView, 'credentialName' | 'credentialNumber' | 'awardedAt' | 'expiresAt'>,
    holderName: string,
    program: ProgramInfo,
    options: { paper: PaperSize; language: string; timeZone: string },
    branding: CertificateBranding | null,
  ): CertificateContent {
    const locale = resolveLocale(options.language);
    const t = translator(locale);
    const date = (d: Date) => formatDate(d, { locale, timeZone: options.timeZone });
    const url = verificationUrl(this.deps.publicUrl, award.credentialNumber);
    return {
      paper: options.paper,
      language: locale,
      programName: program.name,
      holderName,
      credentialName: award.credentialName,
      credentialNumber: award.credentialNumber,
      awardedOn: date(award.awardedAt),
      expiresOn: award.expiresAt ? date(award.expiresAt) : null,
      verificationUrl: url,
      branding,
      accentColor: program.accentColor,
      labels: {
        heading: t('certificates.pdf.heading'),
        certifies: t('certificates.pdf.certifies'),
        hasEarned: t('certificates.pdf.hasEarned'),
        credentialNumber: t('certificates.pdf.number'),
        awardedOn: t('certificates.pdf.awarded'),
        expiresOn: t('certificates.pdf.expires'),
        noExpiry: t('certificates.pdf.noExpiry'),
        verifyAt: t('certificates.pdf.verifyAt'),
      },
      metadata: {
        title: t('certificates.pdf.title', { credential: award.credentialName, name: holderName }),
        subject: t('certificates.pdf.subject', {
          credential: award.credentialName,
          name: holderName,
          number: award.credentialNumber,
          program: program.name,
          url,
        }),
        keywords: [award.credentialNumber, award.credentialName, program.name],
        createdAt: new Date(),
      },
    };
  }

  // ---------------------------------------------------------------- templates

  async templates(): Promise<TemplateView[]> {
    const [defs, rows] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.templateSummaries(this.deps.db),
    ]);
    const byCredential = new Map(rows.map((r) => [r.credential_id, r]));
    return defs.credentials
      .filter((c) => c.status !== 'retired' || byCredential.has(c.id))
      .map((c) => {
        const row = byCredential.get(c.id);
        return {
          credentialId: c.id,
          credentialCode: c.code,
          credentialName: c.name,
          version: row?.version ?? null,
          signatoryName: row?.signatory_name ?? '',
          signatoryTitle: row?.signatory_title ?? '',
          hasBackground: !!row?.background_type,
          hasLogo: !!row?.logo_type,
          hasSignature: !!row?.signature_type,
          updatedAt: row?.updated_at ?? null,
        };
      });
  }

  async template(code: string): Promise<TemplateView> {
    const found = (await this.templates()).find((t) => t.credentialCode === code.toUpperCase());
    if (!found) throw notFound();
    return found;
  }

  /** Creates or changes a credential's template; every image is checked by content and by a trial render. */
  async saveTemplate(
    actor: Pick<Principal, 'userId'>,
    code: string,
    input: TemplateInput,
    ip: string,
  ): Promise<{ ok: true; version: number } | { ok: false; problems: FieldProblem[] }> {
    const current = await this.template(code);
    const problems: FieldProblem[] = [];
    const signatoryName = (input.signatoryName ?? '').trim();
    const signatoryTitle = (input.signatoryTitle ?? '').trim();
    if ([...signatoryName].length > MAX_SIGNATORY) {
      problems.push({
        field: 'signatoryName',
        messageKey: 'certificates.v.tooLong',
        params: { max: MAX_SIGNATORY },
      });
    }
    if ([...signatoryTitle].length > MAX_SIGNATORY) {
      problems.push({
        field: 'signatoryTitle',
        messageKey: 'certificates.v.tooLong',
        params: { max: MAX_SIGNATORY },
      });
    }
    for (const [field, text] of [
      ['signatoryName', signatoryName],
      ['signatoryTitle', signatoryTitle],
    ] as const) {
      if (/[\u0000-\u001f\u007f]/.test(text)) {
        problems.push({ field, messageKey: 'certificates.v.characters' });
      } else if (unprintableCharacters(text).length > 0) {
        problems.push({
          field,
          messageKey: 'certificates.v.unprintable',
          params: { characters: unprintableCharacters(text).join(' ') },
        });
      }
    }
    const change: repo.TemplateChange = {
      signatory_name: signatoryName,
      signatory_title: signatoryTitle,
    };
    for (const [field, remove] of [
      ['background', input.removeBackground],
      ['logo', input.removeLogo],
      ['signature', input.removeSignature],
    ] as const) {
      const file = input[field];
      if (file && file.bytes.length > 0) {
        const checked = await checkImage(file, field, problems);
        if (checked) change[field] = checked;
      } else if (remove === 'on') {
        change[field] = null;
      }
    }
    if (problems.length > 0) return { ok: false, problems };
    const version = await this.deps.db.transaction().execute(async (trx) => {
      const v = await repo.saveTemplate(trx, current.credentialId, change, actor.userId);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'credentials.certificate_template_saved',
        subjectType: 'credential',
        subjectId: current.credentialCode,
        details: {
          version: v,
          signatoryName,
          signatoryTitle,
          images: Object.fromEntries(
            (['background', 'logo', 'signature'] as const)
              .filter((k) => change[k] !== undefined)
              .map((k) => [k, change[k] ? 'replaced' : 'removed']),
          ),
        },
        ip,
      });
      return v;
    });
    return { ok: true, version };
  }

  /** A sample certificate with the credential's current template, for program managers. */
  async preview(code: string, paper: PaperSize): Promise<Uint8Array> {
    const current = await this.template(code);
    const template = await repo.templateOf(this.deps.db, current.credentialId);
    const program = await this.deps.program.get();
    return renderCertificate({
      ...this.content(
        sampleAward(current.credentialName),
        'Zoë Sample-Łukasiewicz',
        program,
        { paper, language: 'en', timeZone: 'UTC' },
        null,
      ),
      branding: brandingOf(template),
    });
  }
}

export function fullName(given: string, family: string): string {
  return `${given.trim()} ${family.trim()}`.trim();
}

function sampleAward(credentialName: string) {
  const awardedAt = new Date(Date.UTC(2026, 0, 15));
  return {
    credentialName,
    credentialNumber: '0000-0000-0000-0000',
    awardedAt,
    expiresAt: new Date(Date.UTC(2029, 0, 15)),
  };
}

function brandingOf(row: Awaited<ReturnType<typeof repo.templateOf>>): CertificateBranding | null {
  if (!row) return null;
  const image = (
    bytes: Uint8Array | null,
    type: CertificateImageType | null,
  ): CertificateImage | null => (bytes && type ? { contentType: type, bytes } : null);
  return {
    background: image(row.background, row.background_type),
    logo: image(row.logo, row.logo_type),
    signature: image(row.signature, row.signature_type),
    signatoryName: row.signatory_name,
    signatoryTitle: row.signatory_title,
  };
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** The image's type by its first bytes (never by its name or declared type), or null. */
export function imageTypeOf(bytes: Uint8Array): CertificateImageType | null {
  const starts = (sig: number[]) =>
    bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts(PNG)) return 'image/png';
  if (starts(JPEG)) return 'image/jpeg';
  return null;
}

/** Checked by size, by content and by pdf-lib reading it: an image it cannot read is refused here, not at a candidate's request. */
async function checkImage(
  file: UploadedImage,
  field: 'background' | 'logo' | 'signature',
  problems: FieldProblem[],
): Promise<{ bytes: Uint8Array; type: CertificateImageType } | null> {
  if (file.truncated || file.bytes.length > MAX_TEMPLATE_IMAGE_BYTES) {
    problems.push({ field, messageKey: 'certificates.v.imageTooLarge', params: { max: '2 MB' } });
    return null;
  }
  const type = imageTypeOf(file.bytes);
  if (!type) {
    problems.push({ field, messageKey: 'certificates.v.imageType' });
    return null;
  }
  if (!(await canEmbed({ contentType: type, bytes: file.bytes }))) {
    problems.push({ field, messageKey: 'certificates.v.imageUnreadable' });
    return null;
  }
  return { bytes: file.bytes, type };
}

/** A checkbox as browsers send it (`yes`, our value) or as scripts might (`on`, `true`). */
function isChecked(value: string | undefined): boolean {
  return value === 'yes' || value === 'on' || value === 'true';
}
