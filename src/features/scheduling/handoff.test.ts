import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handoffFields, handoffHash } from './handoff.ts';

// The vector was computed outside Laurel, with coreutils:
//   printf '%s' 'correct horse battery staple''CORVID''1764000000000''30''CT-1000042' | sha256sum
// (passphrase + client code + timestamp + timeout + candidate ID, concatenated).
const VECTOR = {
  passphrase: 'correct horse battery staple',
  clientCode: 'CORVID',
  timestamp: '1764000000000',
  timeout: '30',
  candidateId: 'CT-1000042',
  hash: '498bb458d5fe0cf9f5fe4d4ce6fc119b42833ae82cc8a08c59a1d22a4038f5f9',
};

test('the hand-off hash matches the independently computed vector', () => {
  assert.equal(
    handoffHash(
      VECTOR.passphrase,
      VECTOR.clientCode,
      VECTOR.timestamp,
      VECTOR.timeout,
      VECTOR.candidateId,
    ),
    VECTOR.hash,
  );
});

test('the form carries every field, the hash last', () => {
  const fields = handoffFields({
    passphrase: VECTOR.passphrase,
    clientCode: VECTOR.clientCode,
    timestamp: VECTOR.timestamp,
    timeout: VECTOR.timeout,
    clientCandidateId: VECTOR.candidateId,
    returnUrl: 'https://laurel.example/exams',
    errorUrl: 'https://laurel.example/exams?handoff=error',
    logoutUrl: 'https://laurel.example/sign-in',
    timeoutUrl: 'https://laurel.example/exams?handoff=timeout',
  });
  assert.deepEqual(
    fields.map(([name]) => name),
    [
      'CLIENT_CODE',
      'CLIENT_CANDIDATE_ID',
      'EXTERNAL_PAGE_TIMESTAMP',
      'EXTERNAL_SESSION_TIMEOUT',
      'EXTERNAL_RETURN_URL',
      'EXTERNAL_ERROR_URL',
      'EXTERNAL_LOGOUT_URL',
      'EXTERNAL_TIMEOUT_URL',
      'EXTERNAL_AUTH_HASH',
    ],
  );
  assert.equal(fields.at(-1)![1], VECTOR.hash);
  // A different passphrase gives a different hash.
  assert.notEqual(handoffHash('other', 'CORVID', '1764000000000', '30', 'CT-1000042'), VECTOR.hash);
});
