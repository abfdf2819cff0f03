import { Type, type Static, type TString } from '@sinclair/typebox';

/**
 * Form bodies. Every field is an optional bounded string: the service checks
 * meaning and answers with field errors; the schema only refuses what no
 * honest form sends (an oversized field is a 400 before any handler runs).
 */
const text = (maxLength = 200): TString => Type.String({ maxLength });
const csrf = Type.Optional(text(100));

export const RegisterBody = Type.Object({
  _csrf: csrf,
  username: Type.Optional(text(100)),
  email: Type.Optional(text(320)),
  givenName: Type.Optional(text(200)),
  familyName: Type.Optional(text(200)),
  country: Type.Optional(text(10)),
  password: Type.Optional(text(1024)),
  acceptPrivacy: Type.Optional(text(10)),
  marketing: Type.Optional(text(10)),
  timeZone: Type.Optional(text(64)),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const TokenBody = Type.Object({ _csrf: csrf, token: Type.Optional(text(200)) });
export const TokenQuery = Type.Object({ token: Type.Optional(text(200)) });
export const EmailBody = Type.Object({ _csrf: csrf, email: Type.Optional(text(320)) });

export const SignInBody = Type.Object({
  _csrf: csrf,
  identifier: Type.Optional(text(320)),
  password: Type.Optional(text(1024)),
  next: Type.Optional(text(500)),
});
export const NextQuery = Type.Object({ next: Type.Optional(text(500)) });

export const CodeBody = Type.Object({ _csrf: csrf, code: Type.Optional(text(50)) });
export const IdentifierBody = Type.Object({ _csrf: csrf, identifier: Type.Optional(text(320)) });

export const ResetBody = Type.Object({
  _csrf: csrf,
  token: Type.Optional(text(200)),
  password: Type.Optional(text(1024)),
  confirmPassword: Type.Optional(text(1024)),
});

export const ChangePasswordBody = Type.Object({
  _csrf: csrf,
  currentPassword: Type.Optional(text(1024)),
  newPassword: Type.Optional(text(1024)),
  confirmPassword: Type.Optional(text(1024)),
});

export const ChangeEmailBody = Type.Object({
  _csrf: csrf,
  currentPassword: Type.Optional(text(1024)),
  newEmail: Type.Optional(text(320)),
});

export const DisableTwoFactorBody = Type.Object({
  _csrf: csrf,
  currentPassword: Type.Optional(text(1024)),
  code: Type.Optional(text(50)),
});

export const PasswordOnlyBody = Type.Object({
  _csrf: csrf,
  currentPassword: Type.Optional(text(1024)),
  regenPassword: Type.Optional(text(1024)),
});
export const CsrfOnlyBody = Type.Object({ _csrf: csrf });

/** The JSON view of the signed-in account (GET /api/v1/me). */
export const MeResponse = Type.Object({
  candidateId: Type.String(),
  username: Type.String(),
  email: Type.String(),
  givenName: Type.String(),
  familyName: Type.String(),
  roles: Type.Array(Type.String()),
  twoFactorEnabled: Type.Boolean(),
});
