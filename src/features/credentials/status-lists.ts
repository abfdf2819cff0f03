import crypto from 'node:crypto';
import { BitstringStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { isoSeconds, statusListUrl, type StatusPosition, type StatusPurpose } from './badges.ts';
import { VC_V2_CONTEXT } from './jsonld-loader.ts';

/**
 * Bitstring Status Lists (W3C, 1.0): an award's badge names one index, the
 * same in the revocation and the suspension list. A list is derived, on
 * each request, from the awards' current status (a cheap query over the few
 * suspended and revoked awards), so a change shows at once on every app
 * node; the signed list is cached per node while that set and the signing
 * key stay the same.
 */

/** Entries per list: the minimum the specification asks, for herd privacy. */
export const LIST_LENGTH = 131_072;

type Executor = Kysely<DB> | Transaction<DB>;

const FLAGGED_STATUS: Record<StatusPurpose, 'revoked' | 'suspended'> = {
  revocation: 'revoked',
  suspension: 'suspended',
};

/**
 * Awards placed in one list: half its entries, so that a random free index
 * is found in two tries on average.
 */
export const AWARDS_PER_LIST = LIST_LENGTH / 2;

/**
 * The award's place in the lists, given the first time it is asked for: the
 * list by order of arrival (a sequence), the index at random within it, so
 * that an index says nothing about when or in what order awards were issued
 * (the specification's advice for herd privacy).
 */
export async function statusPositionFor(db: Executor, awardId: number): Promise<StatusPosition> {
  const existing = await findPosition(db, awardId);
  if (existing) return existing;
  const { rows } = await sql<{
    position: string;
  }>`select nextval('badge_status_position_seq') as position`.execute(db);
  const listNumber = Math.floor(Number(rows[0]!.position) / AWARDS_PER_LIST) + 1;
  for (let attempt = 0; attempt < 64; attempt++) {
    const index = crypto.randomInt(LIST_LENGTH);
    const inserted = await db
      .insertInto('badge_status_entries')
      .values({ award_id: awardId, list_number: listNumber, list_index: index })
      .onConflict((oc) => oc.doNothing())
      .returning('award_id')
      .executeTakeFirst();
    if (inserted) return { listNumber, index };
    // The index is taken (try another), or another request placed this award meanwhile.
    const placed = await findPosition(db, awardId);
    if (placed) return placed;
  }
  throw new Error(`No free status list index found for award ${awardId}.`);
}

async function findPosition(db: Executor, awardId: number): Promise<StatusPosition | undefined> {
  const row = await db
    .selectFrom('badge_status_entries')
    .select(['list_number', 'list_index'])
    .where('award_id', '=', awardId)
    .executeTakeFirst();
  return row ? { listNumber: row.list_number, index: row.list_index } : undefined;
}

/** The highest list number given so far (1 when none was). */
export async function listCount(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('badge_status_entries')
    .select((eb) => eb.fn.max('list_number').as('n'))
    .executeTakeFirst();
  return Math.max(1, Number(row?.n ?? 1));
}

/** The indexes set in one list: awards placed in it whose status is the purpose's. */
export async function flaggedIndexes(
  db: Executor,
  purpose: StatusPurpose,
  listNumber: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('awards')
    .innerJoin('badge_status_entries as e', 'e.award_id', 'awards.id')
    .select('e.list_index')
    .where('awards.status', 'in', ['suspended', 'revoked'])
    .where('awards.status', '=', FLAGGED_STATUS[purpose])
    .where('e.list_number', '=', listNumber)
    .orderBy('e.list_index')
    .execute();
  return rows.map((r) => r.list_index);
}

/** `u` + base64url(gzip(bits)), index 0 the most significant bit of the first byte. */
export async function encodeList(indexes: readonly number[]): Promise<string> {
  const list = new BitstringStatusList({ length: LIST_LENGTH });
  for (const index of indexes) list.setStatus(index, true);
  return list.encode();
}

export function unsignedStatusListCredential(input: {
  publicUrl: string;
  issuerDid: string;
  purpose: StatusPurpose;
  listNumber: number;
  encodedList: string;
  validFrom: Date;
}): Record<string, unknown> {
  const id = statusListUrl(input.publicUrl, input.purpose, input.listNumber);
  return {
    '@context': [VC_V2_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuerDid,
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.purpose,
      encodedList: input.encodedList,
    },
  };
}

/** What a signed list depends on: the set bits and the key that signs it. */
export function listFingerprint(signingKey: string, indexes: readonly number[]): string {
  return crypto
    .createHash('sha256')
    .update(`${signingKey}|${indexes.join(',')}`)
    .digest('hex');
}
