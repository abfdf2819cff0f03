import type { PageContext } from '../../../../platform/html/context.ts';
import {
  describedBy,
  FieldMessage,
  fieldId,
  type FormState,
} from '../../../../platform/html/forms.tsx';
import type { MessageKey } from '../../../../platform/i18n/i18n.ts';
import type { AwardCardView, DisplayStatus } from '../../candidate.service.ts';

/**
 * Small pieces the candidate pages share: status tags (color, icon and text,
 * never color alone), the progress bar, award cards, and the form fields the
 * platform does not have (radios, text area, file).
 */

type IconName = 'check' | 'clock' | 'cross' | 'pause' | 'ban' | 'circle' | 'hourglass';

/** 16×16 icons, drawn with currentColor; decorative, as the text beside them says the same. */
const ICON_PATHS: Record<IconName, string> = {
  check: 'M6.2 11.6 2.6 8l1.2-1.2 2.4 2.4 6-6L13.4 4.4z',
  clock:
    'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm0 1.6a4.9 4.9 0 1 1 0 9.8 4.9 4.9 0 0 1 0-9.8zM7.2 4.5v4.1l3 1.8.8-1.3-2.2-1.3V4.5z',
  cross: 'M4.2 3 3 4.2 6.8 8 3 11.8 4.2 13 8 9.2l3.8 3.8 1.2-1.2L9.2 8 13 4.2 11.8 3 8 6.8z',
  pause: 'M4.5 3h2.5v10H4.5zm4.5 0h2.5v10H9z',
  ban: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM3.1 8a4.9 4.9 0 0 1 7.8-3.9l-6.8 6.8A4.9 4.9 0 0 1 3.1 8zm4.9 4.9c-1.1 0-2.1-.4-2.9-1l6.8-6.8a4.9 4.9 0 0 1-3.9 7.8z',
  circle:
    'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm0 1.6a4.9 4.9 0 1 1 0 9.8 4.9 4.9 0 0 1 0-9.8z',
  hourglass:
    'M4 1.5h8V4L9.5 8 12 12v2.5H4V12l2.5-4L4 4zm1.6 1.6v.5L8 7.2l2.4-3.6v-.5zM8 8.8l-2.4 3.6v.5h4.8v-.5z',
};

export function Icon({ name }: { name: IconName }): JSX.Element {
  return (
    <svg
      class="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <path fill="currentColor" d={ICON_PATHS[name]} />
    </svg>
  );
}

const STATUS: Record<DisplayStatus, { icon: IconName; className: string; label: MessageKey }> = {
  active: { icon: 'check', className: 'status--active', label: 'candidate.status.active' },
  expiring: { icon: 'clock', className: 'status--expiring', label: 'candidate.status.expiring' },
  expired: { icon: 'hourglass', className: 'status--expired', label: 'candidate.status.expired' },
  suspended: { icon: 'pause', className: 'status--suspended', label: 'candidate.status.suspended' },
  revoked: { icon: 'ban', className: 'status--revoked', label: 'candidate.status.revoked' },
};

/** An award's status: color, icon and words together. */
export function StatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: DisplayStatus;
}): JSX.Element {
  const s = STATUS[status];
  return (
    <span class={`status ${s.className}`}>
      <Icon name={s.icon} />
      <span safe>{ctx.t(s.label)}</span>
    </span>
  );
}

/** Met or not met, for a requirement: an icon and words. */
export function MetTag({ ctx, met }: { ctx: PageContext; met: boolean }): JSX.Element {
  return met ? (
    <span class="status status--active">
      <Icon name="check" />
      <span safe>{ctx.t('candidate.met')}</span>
    </span>
  ) : (
    <span class="status status--todo">
      <Icon name="circle" />
      <span safe>{ctx.t('candidate.notMet')}</span>
    </span>
  );
}

/** A labelled progress bar; the percent is also written out, so the bar is never the only cue. */
export function ProgressBar({
  ctx,
  percent,
  label,
  id,
}: {
  ctx: PageContext;
  percent: number;
  label: string;
  id: string;
}): JSX.Element {
  const text = ctx.t('candidate.percentComplete', { percent });
  return (
    <div class="progress">
      <div class="progress__label">
        <span id={`${id}-label`} safe>
          {label}
        </span>
        <strong safe>{text}</strong>
      </div>
      <progress
        class="progress__bar"
        max="100"
        value={String(percent)}
        aria-labelledby={`${id}-label`}
        aria-valuetext={text}
      ></progress>
    </div>
  );
}

/** A credential the candidate holds (or held), as a wallet card. */
export function AwardCard({
  ctx,
  award,
  headingLevel = 3,
}: {
  ctx: PageContext;
  award: AwardCardView;
  headingLevel?: 2 | 3;
}): JSX.Element {
  const { t } = ctx;
  // JSX rendered (and so escaped) here.
  const safeTitle = (
    <>
      {award.published ? (
        <a href={`/credentials/${encodeURIComponent(award.credentialCode)}`} safe>
          {award.credentialName}
        </a>
      ) : (
        <span safe>{award.credentialName}</span>
      )}
    </>
  );
  return (
    <article class={`award-card award-card--${award.status}`}>
      <div class="award-card__top">
        <StatusTag ctx={ctx} status={award.status} />
        <span class="award-card__code mono" safe>
          {award.credentialCode}
        </span>
      </div>
      {headingLevel === 2 ? (
        <h2 class="award-card__title">{safeTitle}</h2>
      ) : (
        <h3 class="award-card__title">{safeTitle}</h3>
      )}
      {award.kind && award.level ? (
        <p class="award-card__kind small" safe>
          {t('candidate.kindLevel', {
            kind: t(`candidate.kind.${award.kind}`),
            level: award.level,
          })}
        </p>
      ) : (
        ''
      )}
      <dl class="award-card__facts">
        <dt safe>{t('candidate.awardedOn')}</dt>
        <dd safe>{ctx.date(award.awardedAt)}</dd>
        <dt safe>
          {award.status === 'expired' ? t('candidate.expiredOn') : t('candidate.expiresOn')}
        </dt>
        <dd safe>{award.expiresAt ? ctx.date(award.expiresAt) : t('candidate.noExpiry')}</dd>
        {award.renewBy && award.status === 'expiring' ? (
          <>
            <dt safe>{t('candidate.renewBy')}</dt>
            <dd safe>{ctx.date(award.renewBy)}</dd>
          </>
        ) : (
          ''
        )}
        <dt safe>{t('candidate.credentialNumber')}</dt>
        <dd class="mono" safe>
          {award.credentialNumber}
        </dd>
      </dl>
      {award.statusReason && (award.status === 'suspended' || award.status === 'revoked') ? (
        <p class="small" safe>
          {t('candidate.statusReason', { reason: award.statusReason })}
        </p>
      ) : (
        ''
      )}
    </article>
  );
}

// ----------------------------------------------------------------------------
// Form fields the platform does not offer (yet)
// ----------------------------------------------------------------------------

export function Radios({
  name,
  legend,
  hint,
  form,
  options,
  heading,
}: {
  name: string;
  legend: string;
  /** The question is the page's heading (one question per page): the legend holds the h1. */
  heading?: boolean;
  hint?: string;
  form: FormState;
  options: readonly { value: string; label: string; hint?: string }[];
}): JSX.Element {
  const id = fieldId(name);
  const error = form.errors[name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <fieldset aria-describedby={describedBy(name, form, hint)}>
        {heading ? (
          <legend class="legend--page">
            <h1 safe>{legend}</h1>
          </legend>
        ) : (
          <legend safe>{legend}</legend>
        )}
        {hint ? (
          <div class="field__hint" id={`${id}-hint`} safe>
            {hint}
          </div>
        ) : (
          ''
        )}
        <FieldMessage form={form} name={name} />
        <div class="radios">
          {options.map((o, i) => (
            <div class="radio">
              {/* The first radio carries the field's id, so the error summary can link to it. */}
              <input
                type="radio"
                id={i === 0 ? id : `${id}-${o.value}`}
                name={name}
                value={o.value}
                checked={form.values[name] === o.value}
              />
              <label for={i === 0 ? id : `${id}-${o.value}`} safe>
                {o.label}
              </label>
              {o.hint ? (
                <div class="field__hint radio__hint" safe>
                  {o.hint}
                </div>
              ) : (
                ''
              )}
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export { FileField, TextArea, formatSize } from '../../../../platform/html/forms.tsx';
