import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { Article, ArticleSummary, SearchHit } from '../help.service.ts';
import { TextArea } from './parts.tsx';

function SearchForm({ ctx, query }: { ctx: PageContext; query: string }): JSX.Element {
  const { t } = ctx;
  return (
    <form method="get" action="/help" class="search-form" role="search">
      <label class="field__label" for="f-q" safe>
        {t('help.searchLabel')}
      </label>
      <input class="input input--medium" id="f-q" name="q" type="search" value={query} />{' '}
      <button type="submit" class="button button--secondary" safe>
        {t('help.search')}
      </button>
    </form>
  );
}

/** Help and FAQ: articles by topic, or the results of a search. */
export function HelpIndexPage({
  ctx,
  topics,
  query,
  hits,
}: {
  ctx: PageContext;
  topics: readonly { topic: string; articles: readonly ArticleSummary[] }[];
  query: string;
  hits: readonly SearchHit[] | undefined;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('help.title')} index>
      <PageHeading title={t('help.title')} lead={t('help.lead')} />
      <SearchForm ctx={ctx} query={query} />
      {hits !== undefined ? (
        <section aria-labelledby="results">
          <h2 id="results" safe>
            {t('help.results', { query })}
          </h2>
          {hits.length === 0 ? (
            <div class="empty-state">
              <p safe>{t('help.noResults')}</p>
            </div>
          ) : (
            <ul class="plain-list">
              {hits.map((h) => (
                <li>
                  <a href={`/help/${h.slug}`} safe>
                    {h.title}
                  </a>
                  <p class="small" safe>
                    {h.snippet}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : (
        <>
          {topics.map((group) => (
            <section>
              <h2 safe>{group.topic}</h2>
              <ul class="link-list">
                {group.articles.map((a) => (
                  <li>
                    <a href={`/help/${a.slug}`} safe>
                      {a.title}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      <h2 safe>{t('help.stillStuck')}</h2>
      <p>
        {ctx.principal ? (
          <a href="/support/new" safe>
            {t('help.askSupport')}
          </a>
        ) : (
          <a href="/contact" safe>
            {t('help.contactForm')}
          </a>
        )}
      </p>
    </Layout>
  );
}

export function HelpArticlePage({
  ctx,
  article,
}: {
  ctx: PageContext;
  article: Article;
}): JSX.Element {
  const { t } = ctx;
  // Rendered by markdown-it with raw HTML off and links checked (help.markdown.ts).
  const safeArticleHtml = article.html;
  return (
    <Layout ctx={ctx} title={article.title} index>
      <p class="breadcrumb">
        <a href="/help" safe>
          {t('help.back')}
        </a>
      </p>
      <p class="small" safe>
        {article.topic}
      </p>
      <h1 safe>{article.title}</h1>
      <div class="help-article">{safeArticleHtml}</div>
      <p class="small" safe>
        {t('help.updated', { date: ctx.date(article.updatedAt) })}
      </p>
    </Layout>
  );
}

export function HelpConsolePage({
  ctx,
  topics,
}: {
  ctx: PageContext;
  topics: readonly { topic: string; articles: readonly ArticleSummary[] }[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('helpAdmin.title')} wide>
      <PageHeading title={t('helpAdmin.title')} lead={t('helpAdmin.lead')} />
      <p>
        <a class="button" href="/console/help/new" safe>
          {t('helpAdmin.new')}
        </a>
      </p>
      <>
        {topics.map((group) => (
          <section>
            <h2 safe>{group.topic}</h2>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col" safe>
                      {t('helpAdmin.titleLabel')}
                    </th>
                    <th scope="col" safe>
                      {t('helpAdmin.slug')}
                    </th>
                    <th scope="col" safe>
                      {t('helpAdmin.position')}
                    </th>
                    <th scope="col" safe>
                      {t('helpAdmin.state')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {group.articles.map((a) => (
                    <tr>
                      <td>
                        <a href={`/console/help/${a.id}`} safe>
                          {a.title}
                        </a>
                      </td>
                      <td class="mono" safe>
                        {a.slug}
                      </td>
                      <td safe>{String(a.position)}</td>
                      <td safe>{a.published ? t('helpAdmin.published') : t('helpAdmin.draft')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
      </>
    </Layout>
  );
}

export const ARTICLE_FIELDS = ['title', 'slug', 'topic', 'position', 'body'];

export function HelpEditPage({
  ctx,
  form,
  article,
  preview,
}: {
  ctx: PageContext;
  form: FormState;
  /** Undefined for a new article. */
  article: { id: number; slug: string; published: boolean } | undefined;
  /** The saved body, rendered safely, shown under the form. */
  preview: string | undefined;
}): JSX.Element {
  const { t } = ctx;
  const title = article ? t('helpAdmin.editTitle') : t('helpAdmin.new');
  const safePreview = preview;
  return (
    <Layout ctx={ctx} title={title} wide>
      <p class="breadcrumb">
        <a href="/console/help" safe>
          {t('helpAdmin.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={ARTICLE_FIELDS} />
      <PageHeading title={title} />
      {article?.published ? (
        <p>
          <a href={`/help/${article.slug}`} safe>
            {t('helpAdmin.view')}
          </a>
        </p>
      ) : (
        ''
      )}
      <form
        method="post"
        action={article ? `/console/help/${article.id}` : '/console/help/new'}
        novalidate
      >
        <CsrfField ctx={ctx} />
        <TextField name="title" label={t('helpAdmin.titleLabel')} form={form} maxlength={200} />
        <TextField
          name="slug"
          label={t('helpAdmin.slug')}
          hint={t('helpAdmin.slugHint')}
          form={form}
          maxlength={80}
          width="medium"
          spellcheck={false}
        />
        <TextField
          name="topic"
          label={t('helpAdmin.topic')}
          hint={t('helpAdmin.topicHint')}
          form={form}
          maxlength={80}
          width="medium"
        />
        <TextField
          name="position"
          label={t('helpAdmin.position')}
          hint={t('helpAdmin.positionHint')}
          form={form}
          inputmode="numeric"
          width="short"
        />
        <TextArea
          name="body"
          label={t('helpAdmin.body')}
          hint={t('helpAdmin.bodyHint')}
          form={form}
          rows={18}
        />
        <Checkbox
          name="published"
          value="on"
          label={<span safe>{t('helpAdmin.publish')}</span>}
          form={form}
        />
        <button type="submit" class="button" safe>
          {t('helpAdmin.save')}
        </button>
      </form>
      {article ? (
        <form method="post" action={`/console/help/${article.id}/delete`}>
          <CsrfField ctx={ctx} />
          <button type="submit" class="button button--danger" safe>
            {t('helpAdmin.delete')}
          </button>
        </form>
      ) : (
        ''
      )}
      {safePreview ? (
        <section aria-labelledby="preview">
          <h2 id="preview" safe>
            {t('helpAdmin.preview')}
          </h2>
          <div class="help-article card">{safePreview}</div>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}
