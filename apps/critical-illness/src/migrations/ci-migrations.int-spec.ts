import { Database, EventingTables1732400000000 } from '@msb/eventing';
import { scratchDatabase } from '@msb/testing';
import pino from 'pino';
import { criticalIllnessService } from '../main';
import { EligibilityWindows1732400000210 } from './1732400000210-eligibility-windows';

/** 大病's migrations of data already recorded, up and down, on real Postgres. */
const logger = pino({ level: 'silent' });
const { migrations } = criticalIllnessService;

const grant = (grantId: string, category: string, validFrom: string, validTo: string | undefined, revoked: boolean) => ({
  grantId,
  personId: 'P',
  category,
  validFrom,
  ...(validTo ? { validTo } : {}),
  revoked,
});

describe('migration 1732400000210: 大病 keeps eligibility windows, not grant lists', () => {
  let drop: () => Promise<void>;
  let url: string;
  const before = migrations.slice(0, migrations.indexOf(EligibilityWindows1732400000210));
  const database = (list: typeof migrations) =>
    new Database({ url, poolSize: 2, migrations: [EventingTables1732400000000, ...list], logger, applicationName: 'migration-test' });
  const columns = async (db: Database) =>
    (
      await db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'persons' ORDER BY ordinal_position",
      )
    ).map((c) => c.column_name);

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_ci_windows_migration');
    drop = scratch.drop;
    url = scratch.url;
  });

  afterAll(async () => drop?.());

  it('turns each person’s grants in force into windows (revoked ones dropped, duplicates merged), drops the grant lists, and on the way down makes grants of the windows', async () => {
    const old = database(before);
    await old.open();
    await old.query(`INSERT INTO persons (person_id, eligibility_revision, grants) VALUES ('P1', 3, $1), ('P2', 2, $2), ('P3', 0, '[]')`, [
      JSON.stringify([
        grant('G1', 'MINIMUM_LIVING', '2024-01-01', '2024-06-30', true),
        grant('G2', 'LOW_INCOME', '2024-07-01', undefined, false),
        grant('G3', 'EXTREME_POVERTY', '2024-01-01', '2024-03-31', false),
        grant('G4', 'EXTREME_POVERTY', '2024-01-01', '2024-03-31', false),
      ]),
      JSON.stringify([grant('G5', 'ILLNESS_POVERTY', '2024-01-01', undefined, true)]),
    ]);
    await old.close();

    const migrated = database(migrations.slice(0, migrations.indexOf(EligibilityWindows1732400000210) + 1));
    await migrated.open();
    try {
      expect(await columns(migrated)).toEqual(['person_id', 'eligibility_revision', 'windows']);
      expect(await migrated.query('SELECT person_id, eligibility_revision, windows FROM persons ORDER BY person_id')).toEqual([
        {
          person_id: 'P1',
          eligibility_revision: 3,
          windows: [
            { category: 'EXTREME_POVERTY', validFrom: '2024-01-01', validTo: '2024-03-31' },
            { category: 'LOW_INCOME', validFrom: '2024-07-01' },
          ],
        },
        { person_id: 'P2', eligibility_revision: 2, windows: [] },
        { person_id: 'P3', eligibility_revision: 0, windows: [] },
      ]);

      await migrated.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await columns(migrated)).toEqual(['person_id', 'eligibility_revision', 'grants']);
      const [p1] = await migrated.query<{ grants: { category: string; revoked: boolean; personId: string }[] }>(
        "SELECT grants FROM persons WHERE person_id = 'P1'",
      );
      expect(p1.grants.map((g) => [g.category, g.revoked, g.personId])).toEqual([
        ['EXTREME_POVERTY', false, 'P1'],
        ['LOW_INCOME', false, 'P1'],
      ]);
    } finally {
      await migrated.close();
    }
  }, 60_000);
});
