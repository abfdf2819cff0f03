import type { PageContext } from '../../../../platform/html/context.ts';
import { PageHeading } from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type {
  CatalogGroupView,
  ChecklistNode,
  CredentialInfoView,
  CredentialPageView,
  EvidenceDetail,
} from '../../candidate.service.ts';
import type { Missing } from '../../evaluator.ts';
import type { RequirementDescription } from '../../describe.ts';
import { AwardCard, Icon, MetTag, ProgressBar, StatusTag } from './parts.tsx';

/** Every published credential, grouped by kind and level, with requirements in plain language. */
export function CredentialsPage({
  ctx,
  groups,
}: {
  ctx: PageContext;
  groups: CatalogGroupView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('candidate.catalogTitle')} index>
      <PageHeading title={t('candidate.catalogTitle')} lead={t('candidate.catalogLead')} />
      {groups.length === 0 ? <p safe>{t('candidate.catalogEmpty')}</p> : ''}
      <>
        {groups.map((group) => (
          <section class="credential-group" aria-labelledby={groupId(group)}>
            <h2 id={groupId(group)} safe>
              {t('candidate.groupTitle', {
                kind: t(`candidate.kinds.${group.kind}`),
                level: group.level,
              })}
            </h2>
            {group.credentials.map((c) => (
              <article class="credential-summary card">
                <div class="credential-summary__head">
                  <h3 class="credential-summary__title">
                    <a href={`/credentials/${encodeURIComponent(c.code)}`} safe>
                      {c.name}
                    </a>{' '}
                    <span class="mono small" safe>
                      {c.code}
                    </span>
                  </h3>
                  {c.mine ? (
                    c.mine.status ? (
                      <StatusTag ctx={ctx} status={c.mine.status} />
                    ) : (
                      <span class="status status--todo">
                        <Icon name="circle" />
                        <span safe>
                          {t('candidate.percentComplete', { percent: c.mine.percent })}
                        </span>
                      </span>
                    )
                  ) : (
                    ''
                  )}
                </div>
                {c.description ? <p safe>{c.description}</p> : ''}
                <Rules ctx={ctx} info={c} compact />
              </article>
            ))}
          </section>
        ))}
      </>
    </Layout>
  );
}

function groupId(group: CatalogGroupView): string {
  return `group-${group.kind}-${group.level.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Requirements sentence, prerequisites, validity and recertification. */
function Rules({
  ctx,
  info,
  compact,
}: {
  ctx: PageContext;
  info: CredentialInfoView;
  compact?: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <dl class="summary-list summary-list--rules">
      {compact ? (
        <>
          <dt safe>{t('candidate.requirements')}</dt>
          <dd safe>{info.sentence ?? t('candidate.noRequirements')}</dd>
        </>
      ) : (
        ''
      )}
      <dt safe>{t('candidate.prerequisites')}</dt>
      <dd>
        {info.prerequisites.length === 0 ? (
          <span safe>{t('candidate.prerequisitesNone')}</span>
        ) : (
          info.prerequisites.map((p, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <a href={`/credentials/${encodeURIComponent(p.code)}`} safe>
                {p.name}
              </a>
            </>
          ))
        )}
      </dd>
      <dt safe>{t('candidate.validity')}</dt>
      <dd safe>
        {info.validityMonths === null
          ? t('candidate.validityNone')
          : info.validityMonths % 12 === 0
            ? t(info.validityMonths === 12 ? 'candidate.validityYear' : 'candidate.validityYears', {
                years: info.validityMonths / 12,
              })
            : t('candidate.validityMonths', { months: info.validityMonths })}
      </dd>
      {info.validityMonths === null ? (
        ''
      ) : (
        <>
          <dt safe>{t('candidate.recertification')}</dt>
          <dd>
            <Recertification ctx={ctx} info={info} />
          </dd>
        </>
      )}
    </dl>
  );
}

function Recertification({
  ctx,
  info,
}: {
  ctx: PageContext;
  info: CredentialInfoView;
}): JSX.Element {
  const { t } = ctx;
  const r = info.recertification;
  const ways: string[] = [];
  if (r.requirementsAgain) ways.push(t('candidate.recertAgain'));
  if (r.exams.length > 0) {
    ways.push(
      t('candidate.recertExams', {
        exams: r.exams
          .map((e) => (e.title === e.code ? e.code : `${e.title} (${e.code})`))
          .join(', '),
      }),
    );
  }
  if (r.higherCredentials.length > 0) {
    ways.push(
      t('candidate.recertHigher', {
        credentials: r.higherCredentials.map((c) => c.name).join(', '),
      }),
    );
  }
  if (r.credits) {
    ways.push(
      t('candidate.recertCredits', { minimum: r.credits.minimum, category: r.credits.title }),
    );
  }
  if (ways.length === 0) return <span safe>{t('candidate.recertNone')}</span>;
  return (
    <>
      <span safe>{t('candidate.recertLead')}</span>
      <ul class="plain-list">
        {ways.map((w) => (
          <li safe>{w}</li>
        ))}
      </ul>
    </>
  );
}

/** One credential: its requirements, and (signed in) the candidate's checklist against them. */
export function CredentialPage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: CredentialPageView;
}): JSX.Element {
  const { t } = ctx;
  const { info, mine } = view;
  return (
    <Layout ctx={ctx} title={info.name} index={!ctx.principal}>
      <p class="breadcrumb">
        <a href="/credentials" safe>
          {t('candidate.allCredentials')}
        </a>
      </p>
      <div class="page-heading">
        <p class="caption" safe>
          {t('candidate.kindLevel', { kind: t(`candidate.kind.${info.kind}`), level: info.level })}
        </p>
        <h1>
          <span safe>{info.name}</span>{' '}
          <span class="mono h1-code" safe>
            {info.code}
          </span>
        </h1>
        {info.description ? (
          <p class="lead" safe>
            {info.description}
          </p>
        ) : (
          ''
        )}
      </div>

      {mine ? (
        <section class="card my-progress" aria-labelledby="my-progress">
          <h2 id="my-progress" class="h3" safe>
            {t('candidate.myProgress')}
          </h2>
          {mine.award ? <AwardCard ctx={ctx} award={mine.award} /> : ''}
          <ProgressBar
            ctx={ctx}
            id="progress"
            percent={mine.percent}
            label={mine.met ? t('candidate.requirementsMet') : t('candidate.towardsThis')}
          />
          <dl class="summary-list">
            {mine.met && mine.metAt ? (
              <>
                <dt safe>{t('candidate.metSince')}</dt>
                <dd safe>{ctx.date(mine.metAt)}</dd>
              </>
            ) : (
              ''
            )}
            {mine.award?.expiresAt ? (
              <>
                <dt safe>
                  {mine.award.status === 'expired'
                    ? t('candidate.expiredOn')
                    : t('candidate.expiresOn')}
                </dt>
                <dd safe>{ctx.date(mine.award.expiresAt)}</dd>
              </>
            ) : (
              ''
            )}
            {mine.renewBy ? (
              <>
                <dt safe>{t('candidate.renewBy')}</dt>
                <dd safe>{ctx.date(mine.renewBy)}</dd>
              </>
            ) : (
              ''
            )}
          </dl>
        </section>
      ) : (
        <div class="banner">
          <p>
            <a href={`/sign-in?next=${encodeURIComponent(`/credentials/${info.code}`)}`} safe>
              {t('candidate.signInForProgress')}
            </a>
          </p>
        </div>
      )}

      <section aria-labelledby="requirements">
        <h2 id="requirements" safe>
          {info.requirementVersion === null
            ? t('candidate.requirements')
            : t('candidate.requirementsVersion', { version: info.requirementVersion })}
        </h2>
        {info.sentence ? (
          <p class="requirement-sentence" safe>
            {info.sentence}
          </p>
        ) : (
          <p safe>{t('candidate.noRequirements')}</p>
        )}
        {mine ? (
          <Checklist ctx={ctx} node={mine.checklist} root />
        ) : info.requirements ? (
          <Outline node={info.requirements} root />
        ) : (
          ''
        )}
      </section>

      <section aria-labelledby="rules">
        <h2 id="rules" safe>
          {t('candidate.rulesTitle')}
        </h2>
        <Rules ctx={ctx} info={info} />
      </section>
    </Layout>
  );
}

/** The requirements as nested lists, for visitors who are not signed in. */
function Outline({ node, root }: { node: RequirementDescription; root?: boolean }): JSX.Element {
  if (node.items.length === 0) {
    return root ? (
      <ul class="outline">
        <li safe>{node.text}</li>
      </ul>
    ) : (
      <li safe>{node.text}</li>
    );
  }
  const safeList = (
    <ul class="outline">
      {node.items.map((item) => (
        <Outline node={item} />
      ))}
    </ul>
  );
  return root ? (
    <>
      <p class="outline-heading" safe>{`${node.text}:`}</p>
      {safeList}
    </>
  ) : (
    <li>
      <span safe>{`${node.text}:`}</span>
      {safeList}
    </li>
  );
}

/** The checklist: every node met or not, with its evidence or what is left. */
function Checklist({
  ctx,
  node,
  root,
}: {
  ctx: PageContext;
  node: ChecklistNode;
  root?: boolean;
}): JSX.Element {
  const { t } = ctx;
  const isGroup = node.children.length > 0 || node.kind === 'all' || node.kind === 'any';
  const safeBody = (
    <>
      <div class="check__head">
        <MetTag ctx={ctx} met={node.met} />
        <span class="check__text" safe>
          {isGroup ? `${node.text}:` : node.text}
        </span>
      </div>
      {isGroup ? (
        <p class="check__detail small" safe>
          {t('candidate.groupCount', { met: node.metCount ?? 0, count: node.count ?? 0 })}
        </p>
      ) : (
        ''
      )}
      {node.evidence.length > 0 ? (
        <ul class="check__evidence">
          {node.evidence.map((e) => (
            <li safe>{evidenceText(ctx, e)}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {!node.met && node.missing && !isGroup ? (
        <p class="check__left">
          <span safe>{missingText(ctx, node.missing)}</span>
          {node.action ? (
            <>
              {' '}
              <a href={node.action.href} safe>
                {t('candidate.sendEvidence')}
              </a>
            </>
          ) : (
            ''
          )}
        </p>
      ) : (
        ''
      )}
      {isGroup ? (
        <ul class="checklist">
          {node.children.map((child) => (
            <Checklist ctx={ctx} node={child} />
          ))}
        </ul>
      ) : (
        ''
      )}
    </>
  );
  const className = `check ${node.met ? 'check--met' : 'check--todo'}`;
  return root ? (
    <div class="checklist checklist--root">
      <div class={className} id={`req-${node.id}`}>
        {safeBody}
      </div>
    </div>
  ) : (
    <li class={className} id={`req-${node.id}`}>
      {safeBody}
    </li>
  );
}

function evidenceText(ctx: PageContext, e: EvidenceDetail): string {
  const { t } = ctx;
  switch (e.type) {
    case 'result':
      return t(e.score === null ? 'candidate.evidenceResultNoScore' : 'candidate.evidenceResult', {
        exam: `${e.examCode} ${e.examTitle}`,
        version: e.version ?? '–',
        score: e.score ?? '',
        passing: e.passingScore ?? '',
        date: ctx.date(e.takenAt),
      });
    case 'award':
      return t('candidate.evidenceAward', {
        credential: e.credentialName,
        number: e.credentialNumber,
        date: ctx.date(e.awardedAt),
      });
    case 'training':
      return t(e.viaEvidence ? 'candidate.evidenceTrainingSent' : 'candidate.evidenceTraining', {
        course: e.courseTitle,
        date: ctx.date(e.completedAt),
      });
    case 'agreement':
      return t('candidate.evidenceAgreement', {
        agreement: e.title,
        version: e.version,
        date: ctx.date(e.acceptedAt),
      });
    case 'credit':
      return t('candidate.evidenceCredit', {
        amount: formatAmount(ctx, e.amount),
        category: e.categoryTitle,
        date: ctx.date(e.earnedAt),
      });
  }
}

function missingText(ctx: PageContext, m: Missing): string {
  const { t } = ctx;
  switch (m.kind) {
    case 'exam':
      return t('candidate.leftExam');
    case 'credential':
      return t(`candidate.leftCredential.${m.held}`);
    case 'training':
      return t('candidate.leftTraining');
    case 'agreement':
      return t('candidate.leftAgreement');
    case 'credits':
      return t('candidate.leftCredits', {
        earned: formatAmount(ctx, m.earned),
        minimum: formatAmount(ctx, m.minimum),
        needed: formatAmount(ctx, m.needed),
      });
    case 'all':
    case 'any':
      return '';
    case 'invalid':
      return t('candidate.leftInvalid');
  }
}

function formatAmount(ctx: PageContext, value: number): string {
  return new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 2 }).format(value);
}
