import type { Tx } from '@msb/eventing';
import type { EligibilityInForce, EligibilitySpan } from '@msb/settlement';

/** A person's eligibility (救助对象认定) at one revision, as the payer recorded it. */
export type Eligibility = EligibilityInForce;

/**
 * The person's eligibility as the payer last recorded it, in table
 * persons(person_id, eligibility_revision, <column> jsonb): assistance keeps its own grants
 * (column `grants`, revoked ones included), 大病 only the windows civil affairs publishes (column
 * `windows`). Deciding a person-year holds the person's row FOR SHARE, an eligibility change
 * updates it: so a person-year decided concurrently with a grant is either seen by the grant's
 * recalculation or itself sees the grant.
 */
export class EligibilityStore {
  private constructor(private readonly column: 'grants' | 'windows') {}

  /** Assistance (civil affairs): the person's grants as its own table has them. */
  static ofGrants(): EligibilityStore {
    return new EligibilityStore('grants');
  }

  /** 大病: the windows of assistance.eligibility, nothing more. */
  static ofWindows(): EligibilityStore {
    return new EligibilityStore('windows');
  }

  /** Every person's eligibility (revision 0, nothing held, for a person never seen), rows held FOR SHARE in person_id order. */
  async read(tx: Tx, personIds: string[]): Promise<Map<string, Eligibility>> {
    const ids = [...new Set(personIds)].sort();
    await tx.execute('INSERT INTO persons (person_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [ids]);
    const rows = await tx.query<{ person_id: string; eligibility_revision: number; held: EligibilitySpan[] }>(
      `SELECT person_id, eligibility_revision, ${this.column} AS held FROM persons WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR SHARE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.person_id, { revision: r.eligibility_revision, windows: r.held }]));
  }

  /** A person's eligibility as stored, writing nothing (a preview's read; revision 0 for a person never seen). */
  async peek(db: Pick<Tx, 'query'>, personId: string): Promise<Eligibility> {
    const [row] = await db.query<{ eligibility_revision: number; held: EligibilitySpan[] }>(
      `SELECT eligibility_revision, ${this.column} AS held FROM persons WHERE person_id = $1`,
      [personId],
    );
    return row ? { revision: row.eligibility_revision, windows: row.held } : { revision: 0, windows: [] };
  }

  /** Store a newer eligibility revision; false when it is not newer than what is stored. */
  async record(tx: Tx, personId: string, revision: number, held: readonly EligibilitySpan[]): Promise<boolean> {
    await tx.execute('INSERT INTO persons (person_id) VALUES ($1) ON CONFLICT DO NOTHING', [personId]);
    const updated = await tx.execute(
      `UPDATE persons SET eligibility_revision = $2, ${this.column} = $3 WHERE person_id = $1 AND eligibility_revision < $2`,
      [personId, revision, JSON.stringify(held)],
    );
    return updated > 0;
  }
}
