import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { CatalogApi } from '../catalog/index.ts';
import type { DirectoryEntry } from '../progress/index.ts';
import * as repo from './directory.repository.ts';

/**
 * The public directory: candidates who opted in, searchable by name and
 * credential. Only active awards appear; opting out removes every entry at
 * once and makes the holder's verification pages `noindex` again.
 */

export const DIRECTORY_PAGE_SIZE = 25;

export interface DirectorySource {
  publicDirectory(
    filter: { name?: string; credentialId?: number },
    limit: number,
    offset: number,
  ): Promise<{ entries: DirectoryEntry[]; total: number }>;
}

export interface DirectorySearch {
  name?: string | undefined;
  credential?: string | undefined;
  page?: number | undefined;
}

export class DirectoryService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly progress: DirectorySource,
  ) {}

  /** Published credentials, for the search form's choice. */
  async credentialChoices(): Promise<{ code: string; name: string }[]> {
    const defs = await this.catalog.definitions();
    return defs.credentials
      .filter((c) => c.status === 'published')
      .map((c) => ({ code: c.code, name: c.name }));
  }

  async search(query: DirectorySearch): Promise<{
    entries: DirectoryEntry[];
    total: number;
    page: number;
    pages: number;
  }> {
    const page = Math.max(1, query.page ?? 1);
    const name = query.name?.trim().slice(0, 100) || undefined;
    let credentialId: number | undefined;
    if (query.credential) {
      const defs = await this.catalog.definitions();
      const credential = defs.credentialsByCode.get(query.credential.trim().toUpperCase());
      // An unknown credential finds nobody rather than everybody.
      if (!credential) return { entries: [], total: 0, page, pages: 1 };
      credentialId = credential.id;
    }
    const { entries, total } = await this.progress.publicDirectory(
      { ...(name ? { name } : {}), ...(credentialId !== undefined ? { credentialId } : {}) },
      DIRECTORY_PAGE_SIZE,
      (page - 1) * DIRECTORY_PAGE_SIZE,
    );
    return { entries, total, page, pages: Math.max(1, Math.ceil(total / DIRECTORY_PAGE_SIZE)) };
  }

  isListed(userId: number): Promise<boolean> {
    return repo.isListed(this.db, userId);
  }

  async setListed(userId: number, listed: boolean, ip: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const changed = listed
        ? await repo.addListing(trx, userId)
        : await repo.removeListing(trx, userId);
      if (!changed) return;
      await recordAudit(trx, {
        actorUserId: userId,
        action: listed ? 'credentials.directory_joined' : 'credentials.directory_left',
        subjectType: 'user',
        subjectId: userId,
        ip,
      });
    });
  }
}
