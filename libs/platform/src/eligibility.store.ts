import { Injectable } from '@nestjs/common';
import type { Tx } from '@msb/eventing';
import type { Grant } from '@msb/settlement';

/** A person's eligibility (救助对象认定) at one revision: every grant civil affairs recorded, revoked ones included. */
export interface Eligibility {
  revision: number;
  grants: Grant[];
}

/**
 * The person's eligibility as the payer last recorded it, in table
 * persons(person_id, eligibility_revision, grants jsonb). Deciding a person-year holds the
 * person's row FOR SHARE, an eligibility change updates it: so a person-year decided
 * concurrently with a grant is either seen by the grant's recalculation or itself sees the grant.
 */
@Injectable()
export class EligibilityStore {
  /** Every person's eligibility (revision 0, no grants, for a person never seen), rows held FOR SHARE in person_id order. */
  async read(tx: Tx, personIds: string[]): Promise<Map<string, Eligibility>> {
    const ids = [...new Set(personIds)].sort();
    await tx.execute('INSERT INTO persons (person_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [ids]);
    const rows = await tx.query<{ person_id: string; eligibility_revision: number; grants: Grant[] }>(
      'SELECT person_id, eligibility_revision, grants FROM persons WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR SHARE',
      [ids],
    );
    return new Map(rows.map((r) => [r.person_id, { revision: r.eligibility_revision, grants: r.grants }]));
  }

  /** Store a newer eligibility revision; false when it is not newer than what is stored. */
  async record(tx: Tx, personId: string, revision: number, grants: Grant[]): Promise<boolean> {
    await tx.execute('INSERT INTO persons (person_id) VALUES ($1) ON CONFLICT DO NOTHING', [personId]);
    const updated = await tx.execute(
      'UPDATE persons SET eligibility_revision = $2, grants = $3 WHERE person_id = $1 AND eligibility_revision < $2',
      [personId, revision, JSON.stringify(grants)],
    );
    return updated > 0;
  }
}
