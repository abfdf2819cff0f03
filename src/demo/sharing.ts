import type { App } from '../app.ts';

/**
 * The sharing side of credentials in the demo: candidates listed in the
 * public directory, a share that Casey sent to an employer (its email is in
 * the development mailbox, its link works) and Mei's transcript share, and
 * logo files with usage guidelines for the Associate certification (CCA).
 */

/** A 1×1 PNG: a real image, small enough to live in the source. */
const DEMO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

const DEMO_SVG = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">
  <title>Corvid Certified Cloud Associate</title>
  <rect width="120" height="40" rx="6" fill="#0f5c8c"/>
  <text x="60" y="26" font-family="sans-serif" font-size="16" fill="#ffffff" text-anchor="middle">CCA</text>
</svg>
`);

const GUIDELINES = `You may use the Corvid Certified Cloud Associate logo while your certification is active.

- Use it only next to your own name, on your CV, website, email signature or business card.
- Keep clear space around it of at least half its height; do not recolour, stretch or animate it.
- Do not use it for a company, a product or a course.
- Remove it when your certification expires or is revoked.`;

export async function seedSharing(app: App, ids: ReadonlyMap<string, number>): Promise<void> {
  const { shares, directory, logos } = app.sharing;

  // The public directory: three candidates chose to be listed.
  for (const username of ['casey', 'priya', 'mei']) {
    const id = ids.get(username);
    if (id !== undefined) await directory.setListed(id, true, '127.0.0.1');
  }

  // Logos for the Associate certification, with version 1 of the guidelines.
  const morgan = ids.get('morgan');
  if (morgan !== undefined) {
    const actor = { userId: morgan };
    await logos.upload(
      actor,
      'CCA',
      { name: 'cca-logo.svg', bytes: DEMO_SVG, truncated: false },
      '127.0.0.1',
    );
    await logos.upload(
      actor,
      'CCA',
      { name: 'cca-logo.png', bytes: DEMO_PNG, truncated: false },
      '127.0.0.1',
    );
    await logos.publishGuidelines(actor, 'CCA', GUIDELINES, '127.0.0.1');
  }

  // Casey shares the analytics accreditation with an employer; Mei sends her transcript.
  const share = async (
    username: string,
    build: (numbers: Map<string, string>) => Parameters<typeof shares.create>[1] | undefined,
  ) => {
    const id = ids.get(username);
    if (id === undefined) return undefined;
    const person = await app.accounts.accountSummary(id);
    const held = await shares.shareableAwards(id);
    const input = build(new Map(held.map((a) => [a.credentialCode, a.credentialNumber])));
    if (!input) return undefined;
    return shares.create(
      {
        userId: id,
        givenName: person.givenName,
        familyName: person.familyName,
        locale: 'en',
        timeZone: 'UTC',
      },
      input,
      '127.0.0.1',
    );
  };
  await share('casey', (numbers) => {
    const caa = numbers.get('CAA');
    return caa
      ? {
          scope: 'awards',
          awards: [caa],
          includeHistory: false,
          recipientName: 'Dana Whitfield, Northwind Talent',
          recipientEmail: 'dana.whitfield@northwind.example',
          message: 'Hello Dana, here is the analytics accreditation we talked about on Tuesday.',
          expiresInDays: 90,
        }
      : undefined;
  });
  await share('mei', () => ({
    scope: 'transcript',
    awards: [],
    includeHistory: true,
    recipientName: 'Fabrikam recruiting',
    recipientEmail: 'recruiting@fabrikam.example',
    message: 'My full transcript, as requested for the cloud operations role.',
    expiresInDays: 30,
  }));
}
