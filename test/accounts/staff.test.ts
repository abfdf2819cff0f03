import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  pathOf,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import type { Role } from '../../src/platform/db/schema.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('staff pages and roles', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  const JSON_ACCEPT = { accept: 'application/json' };

  async function signedIn(
    roles: Role[],
    twoFactor: boolean,
  ): Promise<{ account: GivenAccount; jar: CookieJar }> {
    const account = await givenAccount(t.app, {
      roles,
      ...(twoFactor ? { totpSecret: newTotpSecret() } : {}),
    });
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return { account, jar };
  }

  async function rolesOf(userId: number): Promise<string[]> {
    const rows = await t.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .orderBy('role')
      .execute();
    return rows.map((r) => r.role);
  }

  describe('staff pages', () => {
    test('an admin without two-factor is sent to set it up (HTML) or refused with 403 (JSON)', async () => {
      const { jar } = await signedIn(['admin'], false);
      const html = await get(t.app, '/admin/users', jar);
      assert.equal(html.statusCode, 303);
      assert.equal(pathOf(html.headers.location), '/account/two-factor');
      const page = await get(t.app, '/account/two-factor', jar);
      assert.match(page.body, /Staff accounts must turn on two-factor authentication/);

      const json = await get(t.app, '/admin/users', jar, { headers: JSON_ACCEPT });
      assert.equal(json.statusCode, 403);
      assert.match(String(json.headers['content-type']), /^application\/problem\+json/);
      assert.equal(json.json().code, 'TWO_FACTOR_REQUIRED');
    });

    test('an admin without two-factor cannot change roles either', async () => {
      const { jar } = await signedIn(['admin'], false);
      const target = await givenAccount(t.app);
      const res = await post(t.app, `/admin/users/${target.id}/roles`, { roles: 'admin' }, jar, {
        from: '/account',
      });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(await rolesOf(target.id), []);
    });

    test('an admin with two-factor opens the users page', async () => {
      const { jar } = await signedIn(['admin'], true);
      const listed = await givenAccount(t.app, { givenName: 'Listed', familyName: 'Person' });
      const res = await get(t.app, '/admin/users', jar);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(res.body, /Users and roles/);
      const search = await get(t.app, `/admin/users?q=${listed.username}`, jar);
      assert.match(search.body, new RegExp(listed.candidateNumber));
      assert.match(search.body, /Listed Person/);
      const byNumber = await get(
        t.app,
        `/admin/users?q=${listed.candidateNumber.toLowerCase()}`,
        jar,
      );
      assert.match(byNumber.body, new RegExp(`/admin/users/${listed.id}`));
    });

    test('a candidate, a partner admin and a support agent get 403', async () => {
      for (const [roles, twoFactor] of [
        [[], false],
        [['partner_admin'], false],
        [['support_agent'], true],
      ] as [Role[], boolean][]) {
        const { jar } = await signedIn(roles, twoFactor);
        const html = await get(t.app, '/admin/users', jar);
        assert.equal(html.statusCode, 403, roles.join() || 'candidate');
        assert.match(html.body, /You cannot open this page/);
        const json = await get(t.app, '/admin/users', jar, { headers: JSON_ACCEPT });
        assert.equal(json.statusCode, 403);
        assert.equal(json.json().code, 'FORBIDDEN');
        assert.equal((await get(t.app, '/admin/users/1', jar)).statusCode, 403);
      }
    });

    test('signed-out visitors are sent to sign in', async () => {
      const res = await get(t.app, '/admin/users', cookieJar());
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in?next=%2Fadmin%2Fusers');
      const json = await get(t.app, '/admin/users', cookieJar(), { headers: JSON_ACCEPT });
      assert.equal(json.statusCode, 401);
    });
  });

  describe('granting and taking away roles', () => {
    test('an admin grants and revokes roles; each change is audited with before and after', async () => {
      const { account: admin, jar } = await signedIn(['admin'], true);
      const target = await givenAccount(t.app);
      const ip = freshIp();

      const page = await get(t.app, `/admin/users/${target.id}`, jar);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(target.username));

      const grant = await post(
        t.app,
        `/admin/users/${target.id}/roles`,
        { roles: ['support_agent', 'program_manager'] },
        jar,
        { from: `/admin/users/${target.id}`, ip },
      );
      assert.equal(grant.statusCode, 303, grant.body.slice(0, 300));
      assert.equal(pathOf(grant.headers.location), `/admin/users/${target.id}`);
      assert.deepEqual(await rolesOf(target.id), ['program_manager', 'support_agent']);
      const granted = await t.db
        .selectFrom('user_roles')
        .select('granted_by')
        .where('user_id', '=', target.id)
        .execute();
      assert.ok(granted.every((g) => g.granted_by === admin.id));
      assert.match((await get(t.app, `/admin/users/${target.id}`, jar)).body, /Roles saved/);

      const revoke = await post(
        t.app,
        `/admin/users/${target.id}/roles`,
        { roles: 'support_agent' },
        jar,
        { from: `/admin/users/${target.id}`, ip },
      );
      assert.equal(revoke.statusCode, 303);
      assert.deepEqual(await rolesOf(target.id), ['support_agent']);

      const none = await post(t.app, `/admin/users/${target.id}/roles`, {}, jar, {
        from: `/admin/users/${target.id}`,
        ip,
      });
      assert.equal(none.statusCode, 303);
      assert.deepEqual(await rolesOf(target.id), []);

      const audit = await t.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'accounts.roles_changed')
        .where('subject_id', '=', String(target.id))
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.details),
        [
          { before: [], after: ['program_manager', 'support_agent'] },
          { before: ['program_manager', 'support_agent'], after: ['support_agent'] },
          { before: ['support_agent'], after: [] },
        ],
      );
      for (const event of audit) {
        assert.equal(event.actor_user_id, admin.id);
        assert.equal(event.subject_type, 'user');
        assert.equal(event.ip, ip);
      }

      // Saving the same roles again is not a change.
      await post(t.app, `/admin/users/${target.id}/roles`, {}, jar, {
        from: `/admin/users/${target.id}`,
        ip,
      });
      const count = await t.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'accounts.roles_changed')
        .where('subject_id', '=', String(target.id))
        .execute();
      assert.equal(count.length, 3);
    });

    test('a revoked role stops working at once, in sessions already open', async () => {
      const { jar: adminJar } = await signedIn(['admin'], true);
      const { account: other, jar: otherJar } = await signedIn([], true);
      await post(t.app, `/admin/users/${other.id}/roles`, { roles: 'admin' }, adminJar, {
        from: `/admin/users/${other.id}`,
      });
      assert.equal((await get(t.app, '/admin/users', otherJar)).statusCode, 200);
      await post(t.app, `/admin/users/${other.id}/roles`, {}, adminJar, {
        from: `/admin/users/${other.id}`,
      });
      assert.equal((await get(t.app, '/admin/users', otherJar)).statusCode, 403);
    });

    test('an admin cannot take the admin role away from themselves', async () => {
      const { account: admin, jar } = await signedIn(['admin'], true);
      const res = await post(
        t.app,
        `/admin/users/${admin.id}/roles`,
        { roles: 'support_agent' },
        jar,
        { from: `/admin/users/${admin.id}` },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /You cannot take the admin role away from yourself/);
      assert.deepEqual(await rolesOf(admin.id), ['admin']);
      const empty = await post(t.app, `/admin/users/${admin.id}/roles`, {}, jar, {
        from: `/admin/users/${admin.id}`,
      });
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(await rolesOf(admin.id), ['admin']);
      // Adding a role while keeping admin is fine.
      const more = await post(
        t.app,
        `/admin/users/${admin.id}/roles`,
        { roles: ['admin', 'support_agent'] },
        jar,
        { from: `/admin/users/${admin.id}` },
      );
      assert.equal(more.statusCode, 303);
      assert.deepEqual(await rolesOf(admin.id), ['admin', 'support_agent']);
    });

    test('an unknown role or user is refused without a 500', async () => {
      const { jar } = await signedIn(['admin'], true);
      const target = await givenAccount(t.app);
      const badRole = await post(
        t.app,
        `/admin/users/${target.id}/roles`,
        { roles: 'superuser' },
        jar,
        { from: `/admin/users/${target.id}` },
      );
      assert.equal(badRole.statusCode, 400);
      assert.deepEqual(await rolesOf(target.id), []);
      const candidateRole = await post(
        t.app,
        `/admin/users/${target.id}/roles`,
        { roles: 'candidate' },
        jar,
        { from: `/admin/users/${target.id}` },
      );
      assert.equal(candidateRole.statusCode, 400);
      const missing = await post(t.app, '/admin/users/99999999/roles', { roles: 'admin' }, jar, {
        from: `/admin/users/${target.id}`,
      });
      assert.equal(missing.statusCode, 404);
      assert.equal((await get(t.app, '/admin/users/99999999', jar)).statusCode, 404);
      assert.equal((await get(t.app, '/admin/users/abc', jar)).statusCode, 400);
    });
  });
});
