import type { App } from '../app.ts';
import type { Actor } from '../features/progress/index.ts';
import { DEMO_CANDIDATE_PASSWORD, recordStory, type DemoCandidate } from './candidates.ts';

/**
 * Suspension and revocation in the demo: two candidates of their own (the
 * other stories stay as they are): noah's Associate (CCA) was revoked, and
 * ines's Associate is suspended while a proctoring report is reviewed. Both
 * show as such on every page and in the badges' status lists; their emails
 * are in the outbox.
 */
export const STATUS_STORIES: readonly (DemoCandidate & {
  change: { action: 'suspend' | 'revoke'; credential: string; reason: string };
})[] = [
  {
    username: 'noah',
    givenName: 'Noah',
    familyName: 'Keller',
    email: 'noah@example.com',
    country: 'CH',
    stage: 'certified',
    story:
      'Earned the Associate (CCA) five months ago; it was revoked after the exam content he had shared online was found.',
    facts: [
      { kind: 'agreement', at: [5, 20], version: 2 },
      { kind: 'result', at: [5, 10], exam: 'ACS-101', score: 812 },
    ],
    change: {
      action: 'revoke',
      credential: 'CCA',
      reason: 'Exam content of ACS-101 shared on a public forum (case 2026-114).',
    },
  },
  {
    username: 'ines',
    givenName: 'Inês',
    familyName: 'Carvalho',
    email: 'ines@example.com',
    country: 'PT',
    stage: 'certified',
    story:
      'Earned the Associate (CCA) three months ago; it is suspended while a proctoring report on her ACS-101 sitting is reviewed.',
    facts: [
      { kind: 'agreement', at: [3, 15], version: 2 },
      { kind: 'result', at: [3, 5], exam: 'ACS-101', score: 744 },
    ],
    change: {
      action: 'suspend',
      credential: 'CCA',
      reason: 'Proctoring report on the ACS-101 sitting under review.',
    },
  },
];

export async function seedBadgesDemo(app: App, manager: Actor, now: Date): Promise<void> {
  for (const story of STATUS_STORIES) {
    const { id } = await app.accounts.createAccount({
      username: story.username,
      email: story.email,
      givenName: story.givenName,
      familyName: story.familyName,
      country: story.country,
      password: DEMO_CANDIDATE_PASSWORD,
      roles: [],
      emailVerified: true,
      acceptPrivacy: true,
    });
    await recordStory(app, id, story, manager, now);
    const award = (await app.progress.awardsOf(id)).find(
      (a) => a.credentialCode === story.change.credential && a.status === 'active',
    );
    if (!award) continue;
    await app.progress.changeAwardStatus(
      manager,
      [award.credentialNumber],
      story.change.action,
      story.change.reason,
    );
  }
}
