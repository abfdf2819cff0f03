import crypto from 'node:crypto';

/**
 * The scheduling hand-off to an external delivery provider (Pearson VUE
 * style): an auto-submitted form that carries the candidate to the
 * provider's scheduling site already identified, so they do not sign in
 * twice. The provider recomputes EXTERNAL_AUTH_HASH with the passphrase it
 * shares with us and refuses a form whose hash or timestamp does not hold.
 */
export interface HandoffInput {
  readonly passphrase: string;
  readonly clientCode: string;
  /** Unix time in milliseconds, as a string of digits. */
  readonly timestamp: string;
  /** Session timeout in minutes, as a string of digits. */
  readonly timeout: string;
  readonly clientCandidateId: string;
  readonly returnUrl: string;
  readonly errorUrl: string;
  readonly logoutUrl: string;
  readonly timeoutUrl: string;
}

/** Lower-case hex SHA-256 of passphrase + client code + timestamp + timeout + candidate ID (UTF-8). */
export function handoffHash(
  passphrase: string,
  clientCode: string,
  timestamp: string,
  timeout: string,
  clientCandidateId: string,
): string {
  return crypto
    .createHash('sha256')
    .update(`${passphrase}${clientCode}${timestamp}${timeout}${clientCandidateId}`, 'utf8')
    .digest('hex');
}

/** The form's fields, in the order they are posted. */
export function handoffFields(input: HandoffInput): [string, string][] {
  return [
    ['CLIENT_CODE', input.clientCode],
    ['CLIENT_CANDIDATE_ID', input.clientCandidateId],
    ['EXTERNAL_PAGE_TIMESTAMP', input.timestamp],
    ['EXTERNAL_SESSION_TIMEOUT', input.timeout],
    ['EXTERNAL_RETURN_URL', input.returnUrl],
    ['EXTERNAL_ERROR_URL', input.errorUrl],
    ['EXTERNAL_LOGOUT_URL', input.logoutUrl],
    ['EXTERNAL_TIMEOUT_URL', input.timeoutUrl],
    [
      'EXTERNAL_AUTH_HASH',
      handoffHash(
        input.passphrase,
        input.clientCode,
        input.timestamp,
        input.timeout,
        input.clientCandidateId,
      ),
    ],
  ];
}
