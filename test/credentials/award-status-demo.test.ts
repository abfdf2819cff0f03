import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { STATUS_STORIES } from '../../src/demo/badges.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { userIdOf } from '../helpers/accounts.ts';
import { mailsTo } from '../progress/setup.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

test('the demo has a revoked and a suspended award, and their candidates were told', async () => {
  const expected = { revoke: 'revoked', suspend: 'suspended' } as const;
  assert.deepEqual(STATUS_STORIES.map((s) => s.change.action).sort(), ['revoke', 'suspend']);
  for (const story of STATUS_STORIES) {
    const id = await userIdOf(t.db, story.username);
    const award = (await t.app.progress.awardsOf(id)).find(
      (a) => a.credentialCode === story.change.credential,
    );
    assert.equal(award?.status, expected[story.change.action], story.username);
    assert.equal(award?.statusReason, story.change.reason);
    const mails = await mailsTo(t, story.email);
    assert.ok(
      mails.some((m) => m.template === `progress.credential-${expected[story.change.action]}`),
      `${story.username} was emailed`,
    );
  }
});
