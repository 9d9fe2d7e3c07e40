import type { Tx } from '@msb/eventing';
import type { Grant } from '@msb/settlement';
import type { EligibilityInput } from '../person-years/ci-person-year.decider';

/**
 * The grants civil affairs published for each person (for the tilt). Deciding a
 * person-year holds the person's row FOR SHARE, an eligibility change updates it: so a
 * person-year decided concurrently with a grant is either seen by the grant's
 * recalculation or itself sees the grant.
 */
export async function readEligibility(tx: Tx, personIds: string[]): Promise<Map<string, EligibilityInput>> {
  const ids = [...new Set(personIds)].sort();
  await tx.execute('INSERT INTO persons (person_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [ids]);
  const rows = await tx.query<{ person_id: string; eligibility_revision: number; grants: Grant[] }>(
    'SELECT person_id, eligibility_revision, grants FROM persons WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR SHARE',
    [ids],
  );
  return new Map(rows.map((r) => [r.person_id, { revision: r.eligibility_revision, grants: r.grants }]));
}

/** Store a newer eligibility revision; false when it is not newer than what is stored. */
export async function storeEligibility(tx: Tx, personId: string, revision: number, grants: Grant[]): Promise<boolean> {
  await tx.execute('INSERT INTO persons (person_id) VALUES ($1) ON CONFLICT DO NOTHING', [personId]);
  const updated = await tx.execute(
    'UPDATE persons SET eligibility_revision = $2, grants = $3 WHERE person_id = $1 AND eligibility_revision < $2',
    [personId, revision, JSON.stringify(grants)],
  );
  return updated > 0;
}
