import type { Database } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit.ts';
import { notFound, type FieldProblem } from '../../platform/http/errors.ts';
import * as repo from './help.repository.ts';
import { plainText, renderMarkdown } from './help.markdown.ts';

/**
 * Help and FAQ: articles in Markdown, grouped by topic, searchable, edited
 * by admins in the console. Markdown is rendered here, safely
 * (help.markdown.ts), so views only place finished HTML.
 */

export interface ArticleSummary {
  id: number;
  slug: string;
  topic: string;
  title: string;
  position: number;
  published: boolean;
  updatedAt: Date;
}

export interface Article extends ArticleSummary {
  body: string;
  /** The body rendered: no raw HTML, safe links only. */
  html: string;
}

export interface SearchHit {
  slug: string;
  title: string;
  topic: string;
  snippet: string;
}

export interface ArticleInput {
  slug?: string | undefined;
  topic?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
  position?: string | undefined;
  published?: string | undefined;
}

type Row = Awaited<ReturnType<typeof repo.listArticles>>[number];

const summary = (r: Row): ArticleSummary => ({
  id: r.id,
  slug: r.slug,
  topic: r.topic,
  title: r.title,
  position: r.position,
  published: r.published,
  updatedAt: r.updated_at,
});

export class HelpService {
  constructor(private readonly db: Database) {}

  /** Published articles by topic, topics in alphabetical order, articles by position. */
  async topics(
    includeUnpublished = false,
  ): Promise<{ topic: string; articles: ArticleSummary[] }[]> {
    const rows = await repo.listArticles(this.db, !includeUnpublished);
    const topics = new Map<string, ArticleSummary[]>();
    for (const r of rows) {
      const list = topics.get(r.topic) ?? [];
      list.push(summary(r));
      topics.set(r.topic, list);
    }
    return [...topics].map(([topic, articles]) => ({ topic, articles }));
  }

  async article(slug: string): Promise<Article> {
    const row = await repo.findBySlug(this.db, slug, true);
    if (!row) throw notFound();
    return { ...summary(row), body: row.body, html: renderMarkdown(row.body) };
  }

  async byId(id: number): Promise<Article> {
    const row = await repo.findById(this.db, id);
    if (!row) throw notFound();
    return { ...summary(row), body: row.body, html: renderMarkdown(row.body) };
  }

  async search(rawQuery: string): Promise<SearchHit[]> {
    const query = rawQuery.trim().replace(/\s+/g, ' ').slice(0, 100);
    if (!query) return [];
    const rows = await repo.search(this.db, query, 20);
    return rows.map((r) => ({
      slug: r.slug,
      title: r.title,
      topic: r.topic,
      snippet: plainText(r.body, 180),
    }));
  }

  async save(
    actorUserId: number,
    id: number | undefined,
    input: ArticleInput,
    ip: string,
  ): Promise<{ ok: true; slug: string } | { ok: false; problems: FieldProblem[] }> {
    const problems: FieldProblem[] = [];
    const slug = (input.slug ?? '').trim().toLowerCase();
    const topic = (input.topic ?? '').trim().replace(/\s+/g, ' ');
    const title = (input.title ?? '').trim().replace(/\s+/g, ' ');
    const body = (input.body ?? '').replace(/\r\n?/g, '\n').trim();
    const positionText = (input.position ?? '').trim() || '0';
    if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(slug)) {
      problems.push({ field: 'slug', messageKey: 'help.slugFormat' });
    } else {
      const taken = await repo.slugTaken(this.db, slug);
      if (taken && taken.id !== id) problems.push({ field: 'slug', messageKey: 'help.slugTaken' });
    }
    if (!topic || topic.length > 80)
      problems.push({ field: 'topic', messageKey: 'help.topicRequired' });
    if (!title || title.length > 200)
      problems.push({ field: 'title', messageKey: 'help.titleRequired' });
    if (!body) problems.push({ field: 'body', messageKey: 'help.bodyRequired' });
    else if (body.length > 50_000) problems.push({ field: 'body', messageKey: 'help.bodyTooLong' });
    if (!/^-?\d{1,5}$/.test(positionText)) {
      problems.push({ field: 'position', messageKey: 'help.positionFormat' });
    }
    if (problems.length > 0) return { ok: false, problems };
    const row = {
      slug,
      topic,
      title,
      body,
      position: Number(positionText),
      published: input.published === 'on' || input.published === 'true',
    };
    await this.db.transaction().execute(async (trx) => {
      let rowId = id;
      if (rowId === undefined) rowId = await repo.insertArticle(trx, row, actorUserId);
      else if (!(await repo.updateArticle(trx, rowId, row, actorUserId))) throw notFound();
      await recordAudit(trx, {
        actorUserId,
        action: id === undefined ? 'support.help_created' : 'support.help_updated',
        subjectType: 'help_article',
        subjectId: rowId,
        details: { slug, title, published: row.published },
        ip,
      });
    });
    return { ok: true, slug };
  }

  async remove(actorUserId: number, id: number, ip: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findById(trx, id);
      if (!row || !(await repo.deleteArticle(trx, id))) throw notFound();
      await recordAudit(trx, {
        actorUserId,
        action: 'support.help_deleted',
        subjectType: 'help_article',
        subjectId: id,
        details: { slug: row.slug, title: row.title },
        ip,
      });
    });
  }
}
