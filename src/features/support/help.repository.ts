import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Every query on help articles. No rules here: help.service.ts has them. */

type Db = Kysely<DB> | Transaction<DB>;

const COLUMNS = [
  'id',
  'slug',
  'topic',
  'title',
  'body',
  'position',
  'published',
  'updated_at',
] as const;

export function listArticles(db: Db, publishedOnly: boolean) {
  let q = db.selectFrom('help_articles').select(COLUMNS);
  if (publishedOnly) q = q.where('published', '=', true);
  return q.orderBy('topic').orderBy('position').orderBy('title').execute();
}

export function findBySlug(db: Db, slug: string, publishedOnly: boolean) {
  let q = db.selectFrom('help_articles').select(COLUMNS).where('slug', '=', slug);
  if (publishedOnly) q = q.where('published', '=', true);
  return q.executeTakeFirst();
}

export function findById(db: Db, id: number) {
  return db.selectFrom('help_articles').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * Published articles matching the words: PostgreSQL full-text search (English
 * stemming, so "recovering" finds "recover"), or a plain substring of the
 * title or body for what stemming misses (product codes, partial words).
 * Both are plain PostgreSQL, so PGlite and a server answer alike.
 */
export function search(db: Db, query: string, limit: number) {
  const doc = sql`to_tsvector('english', title || ' ' || body)`;
  const tsq = sql`websearch_to_tsquery('english', ${query})`;
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('help_articles')
    .select(COLUMNS)
    .select(sql<number>`ts_rank(${doc}, ${tsq})`.as('rank'))
    .where('published', '=', true)
    .where((eb) =>
      eb.or([
        sql<boolean>`${doc} @@ ${tsq}`,
        eb('title', 'ilike', like),
        eb('body', 'ilike', like),
      ]),
    )
    .orderBy('rank', 'desc')
    .orderBy('title')
    .limit(limit)
    .execute();
}

export interface ArticleRow {
  slug: string;
  topic: string;
  title: string;
  body: string;
  position: number;
  published: boolean;
}

export async function insertArticle(db: Db, a: ArticleRow, userId: number): Promise<number> {
  const row = await db
    .insertInto('help_articles')
    .values({ ...a, updated_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateArticle(
  db: Db,
  id: number,
  a: ArticleRow,
  userId: number,
): Promise<boolean> {
  const r = await db
    .updateTable('help_articles')
    .set({ ...a, updated_by: userId, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteArticle(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('help_articles').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function slugTaken(db: Db, slug: string) {
  return db.selectFrom('help_articles').select('id').where('slug', '=', slug).executeTakeFirst();
}
