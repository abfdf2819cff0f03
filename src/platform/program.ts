import type { Database } from './db/database.ts';

/** The issuing organization's settings that every page and email shows. */
export interface ProgramInfo {
  readonly name: string;
  readonly shortName: string;
  readonly supportEmail: string;
  readonly accentColor: string;
  readonly candidateIdPrefix: string;
}

const FALLBACK: ProgramInfo = {
  name: 'Laurel',
  shortName: 'Laurel',
  supportEmail: 'support@example.invalid',
  accentColor: '#1d4ed8',
  candidateIdPrefix: 'CT',
};

/**
 * Reads the program row with a short cache: every page needs it, it changes
 * rarely, and several app nodes must see a change within seconds.
 */
export class ProgramSettings {
  private cached: { value: ProgramInfo; at: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 5_000,
  ) {}

  async get(): Promise<ProgramInfo> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const row = await this.db
      .selectFrom('program')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    const value: ProgramInfo = row
      ? {
          name: row.name,
          shortName: row.short_name,
          supportEmail: row.support_email,
          accentColor: row.accent_color,
          candidateIdPrefix: row.candidate_id_prefix,
        }
      : FALLBACK;
    this.cached = { value, at: Date.now() };
    return value;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
