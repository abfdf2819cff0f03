import type { PageContext } from '../../platform/html/context.ts';
import { Layout } from '../../platform/html/layout.tsx';

export function LandingPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('home.title')} index>
      <div class="hero">
        <h1 safe>{ctx.program.name}</h1>
        <p class="lead" safe>
          {t('home.lead')}
        </p>
      </div>
      <div class="grid">
        <section class="card">
          <h2 class="h3" safe>
            {t('home.firstTime')}
          </h2>
          <p safe>{t('home.firstTimeBody')}</p>
          <a class="button" href="/register" safe>
            {t('nav.register')}
          </a>
        </section>
        <section class="card">
          <h2 class="h3" safe>
            {t('home.haveAccount')}
          </h2>
          <p safe>{t('home.haveAccountBody')}</p>
          <a class="button button--secondary" href="/sign-in" safe>
            {t('nav.signIn')}
          </a>
        </section>
      </div>
      <section>
        <h2 class="h3" safe>
          {t('home.partnerTitle')}
        </h2>
        <p safe>{t('home.partnerBody')}</p>
      </section>
      <section>
        <h2 class="h3" safe>
          {t('home.troubleTitle')}
        </h2>
        <p>
          <a href="/account-recovery" safe>
            {t('home.troubleBody')}
          </a>
        </p>
      </section>
    </Layout>
  );
}
