import { contentHash } from '@msb/contracts';
import { Database, EventingTables1732400000000 } from '@msb/eventing';
import { scratchDatabase } from '@msb/testing';
import pino from 'pino';
import { basicInsuranceService } from '../main';
import { SlipPersonYears1732400000110 } from './1732400000110-slip-person-years';
import { ClaimFirstHash1732400000120 } from './1732400000120-claim-first-hash';
import { ClaimHospital1732400000130 } from './1732400000130-claim-hospital';
import { ClaimSettledAt1732400000147 } from './1732400000147-claim-settled-at';

/** Basic's migrations of data already recorded, up and down, on real Postgres. */
const logger = pino({ level: 'silent' });
const { migrations } = basicInsuranceService;

/** What slip_person_years shows of a person-year neither 大病 nor assistance has decided. */
const NOT_DOWNSTREAM = {
  ci_revision: 0,
  ci_basic_revision: 0,
  assistance_revision: 0,
  assistance_basic_revision: 0,
  assistance_ci_revision: 0,
  tilted: false,
  assistance_category: null,
};

describe('migration 1732400000110: the slip’s person-years move out of the snapshot store', () => {
  let drop: () => Promise<void>;
  let url: string;
  const upTo = (m: (typeof migrations)[number]) => migrations.slice(0, migrations.indexOf(m) + 1);
  const before = migrations.slice(0, migrations.indexOf(SlipPersonYears1732400000110));
  const database = (migrations: typeof before) =>
    new Database({ url, poolSize: 2, migrations: [EventingTables1732400000000, ...migrations], logger, applicationName: 'migration-test' });
  const columns = async (db: Database) =>
    (
      await db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'person_years' ORDER BY ordinal_position",
      )
    ).map((c) => c.column_name);
  const SNAPSHOT_COLUMNS = ['stream_id', 'region', 'person_id', 'year', 'version', 'revision', 'parked', 'state', 'updated_at'];
  const DOWNSTREAM = {
    ci_revision: 4,
    ci_basic_revision: 3,
    assistance_revision: 2,
    assistance_basic_revision: 3,
    assistance_ci_revision: 4,
    tilted: true,
    assistance_category: 'MINIMUM_LIVING',
  };

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_slip_migration');
    drop = scratch.drop;
    url = scratch.url;
  });

  afterAll(async () => drop?.());

  it('copies what the slip showed into slip_person_years, drops it from person_years, and puts it back on the way down', async () => {
    const old = database(before);
    await old.open();
    await old.query(
      `INSERT INTO person_years (stream_id, region, person_id, year, version, revision, state, ci_revision, ci_basic_revision,
         assistance_revision, assistance_basic_revision, assistance_ci_revision, tilted, assistance_category)
       VALUES ('basic-person-year:440300:P1:2024', '440300', 'P1', 2024, 9, 3, '{}', $1, $2, $3, $4, $5, $6, $7),
              ('basic-person-year:440300:P2:2024', '440300', 'P2', 2024, 2, 1, '{}', $8, $9, $10, $11, $12, $13, $14)`,
      [...Object.values(DOWNSTREAM), ...Object.values(NOT_DOWNSTREAM)],
    );
    await old.close();

    const migrated = database(upTo(SlipPersonYears1732400000110));
    await migrated.open();
    try {
      expect(await migrated.query('SELECT * FROM slip_person_years ORDER BY stream_id')).toEqual([
        { stream_id: 'basic-person-year:440300:P1:2024', region: '440300', person_id: 'P1', year: 2024, basic_revision: 3, ...DOWNSTREAM },
        {
          stream_id: 'basic-person-year:440300:P2:2024',
          region: '440300',
          person_id: 'P2',
          year: 2024,
          basic_revision: 1,
          ...NOT_DOWNSTREAM,
        },
      ]);
      expect(await columns(migrated)).toEqual(SNAPSHOT_COLUMNS);

      await migrated.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await columns(migrated)).toEqual([...SNAPSHOT_COLUMNS, ...Object.keys(DOWNSTREAM)]);
      expect(await migrated.query(`SELECT ${Object.keys(DOWNSTREAM).join(', ')} FROM person_years ORDER BY stream_id`)).toEqual([
        DOWNSTREAM,
        NOT_DOWNSTREAM,
      ]);
      expect(await migrated.query("SELECT to_regclass('slip_person_years') AS t")).toEqual([{ t: null }]);
    } finally {
      await migrated.close();
    }
  }, 60_000);
});

describe('migration 1732400000120: every recorded claim in a snapshot carries the hash of its first version', () => {
  let drop: () => Promise<void>;
  let url: string;
  const before = migrations.slice(0, migrations.indexOf(ClaimFirstHash1732400000120));
  const database = (list: typeof migrations) =>
    new Database({ url, poolSize: 2, migrations: [EventingTables1732400000000, ...list], logger, applicationName: 'migration-test' });
  const first = { claimId: 'C-1', personId: 'P1', region: '440300', serviceDate: '2024-03-01', diagnosis: ['J18.9'] };
  const corrected = { ...first, diagnosis: ['J18.0'] };
  const record = { claim: corrected, version: 2, status: 'LIVE' };
  const snapshot = { key: { region: '440300', personId: 'P1', year: 2024 }, revision: 2, claims: { 'C-1': record }, paid: {}, decided: [] };

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_first_hash_migration');
    drop = scratch.drop;
    url = scratch.url;
  });

  afterAll(async () => drop?.());

  it('adds firstHash from the slip’s first_hash (not the latest version’s), leaves claim-less snapshots alone, and takes it away on the way down', async () => {
    const old = database(before);
    await old.open();
    await old.query(
      `INSERT INTO person_years (stream_id, region, person_id, year, version, revision, state) VALUES
         ('basic-person-year:440300:P1:2024', '440300', 'P1', 2024, 5, 2, $1), ('basic-person-year:440300:P2:2024', '440300', 'P2', 2024, 0, 0, $2)`,
      [JSON.stringify(snapshot), JSON.stringify({ ...snapshot, claims: {} })],
    );
    await old.query(
      `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, total, policy_scope, first_hash, latest_hash)
       VALUES ('C-1', 'basic-person-year:440300:P1:2024', '440300', 'P1', 2024, 2, 'LIVE', '2024-03-01', 'INPATIENT', 100, 100, $1, $2)`,
      [contentHash(first), contentHash(corrected)],
    );
    await old.close();

    const migrated = database(migrations.slice(0, migrations.indexOf(ClaimFirstHash1732400000120) + 1));
    await migrated.open();
    const states = () => migrated.query<{ state: typeof snapshot }>('SELECT state FROM person_years ORDER BY stream_id');
    try {
      const [withClaims, without] = await states();
      expect(withClaims.state.claims['C-1']).toEqual({ ...record, firstHash: contentHash(first) });
      expect(without.state.claims).toEqual({});

      await migrated.dataSource.undoLastMigration({ transaction: 'each' });
      const [undone] = await states();
      expect(undone.state.claims['C-1']).toEqual(record);
    } finally {
      await migrated.close();
    }
  }, 60_000);
});

describe('migration 1732400000130: which hospital a claim belongs to', () => {
  let drop: () => Promise<void>;
  let url: string;
  const before = migrations.slice(0, migrations.indexOf(ClaimHospital1732400000130));
  const database = (list: typeof migrations) =>
    new Database({ url, poolSize: 2, migrations: [EventingTables1732400000000, ...list], logger, applicationName: 'migration-test' });
  const claim = (claimId: string, hospital: string) => ({
    claimId,
    personId: 'P1',
    region: '440300',
    hospital: { id: hospital, level: 2, inRegion: true },
    serviceDate: '2024-03-01',
  });
  const snapshot = {
    key: { region: '440300', personId: 'P1', year: 2024 },
    revision: 2,
    claims: {
      'C-1': { claim: claim('C-1', 'H-1'), version: 1, status: 'LIVE' },
      'C-2': { claim: claim('C-2', 'H-2'), version: 2, status: 'LIVE' },
    },
    paid: {},
    decided: [],
  };

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_claim_hospital_migration');
    drop = scratch.drop;
    url = scratch.url;
  });

  afterAll(async () => drop?.());

  it('takes each recorded claim’s hospital from its person-year snapshot, requires it from then on, and drops it on the way down', async () => {
    const old = database(before);
    await old.open();
    await old.query(
      `INSERT INTO person_years (stream_id, region, person_id, year, version, revision, state)
       VALUES ('basic-person-year:440300:P1:2024', '440300', 'P1', 2024, 5, 2, $1)`,
      [JSON.stringify(snapshot)],
    );
    for (const id of ['C-1', 'C-2'])
      await old.query(
        `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, total, policy_scope, first_hash, latest_hash)
         VALUES ($1, 'basic-person-year:440300:P1:2024', '440300', 'P1', 2024, 1, 'LIVE', '2024-03-01', 'INPATIENT', 100, 100, 'h', 'h')`,
        [id],
      );
    await old.close();

    const migrated = database(migrations.slice(0, migrations.indexOf(ClaimHospital1732400000130) + 1));
    await migrated.open();
    try {
      expect(await migrated.query('SELECT claim_id, hospital_id FROM claims ORDER BY claim_id')).toEqual([
        { claim_id: 'C-1', hospital_id: 'H-1' },
        { claim_id: 'C-2', hospital_id: 'H-2' },
      ]);
      await expect(
        migrated.query(
          `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, total, policy_scope, first_hash, latest_hash)
           VALUES ('C-3', 's', '440300', 'P1', 2024, 1, 'LIVE', '2024-03-01', 'INPATIENT', 1, 1, 'h', 'h')`,
        ),
      ).rejects.toThrow(/hospital_id/);
      await migrated.dataSource.undoLastMigration({ transaction: 'each' });
      const columns = await migrated.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'claims' AND column_name = 'hospital_id'",
      );
      expect(columns).toEqual([]);
    } finally {
      await migrated.close();
    }
  }, 60_000);
});

describe('migration 1732400000147: when a claim first showed SETTLED', () => {
  let drop: () => Promise<void>;
  let url: string;
  const before = migrations.slice(0, migrations.indexOf(ClaimSettledAt1732400000147));
  const database = (list: typeof migrations) =>
    new Database({ url, poolSize: 2, migrations: [EventingTables1732400000000, ...list], logger, applicationName: 'migration-test' });

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_claim_settled_at_migration');
    drop = scratch.drop;
    url = scratch.url;
  });

  afterAll(async () => drop?.());

  it('gives the claims already settled their last update’s time and the others none, so that none is observed as newly settled', async () => {
    const old = database(before);
    await old.open();
    // person-year S: all three payers decided on basic's revision 2; person-year P: 大病 has not yet
    await old.query(`INSERT INTO slip_person_years (stream_id, region, person_id, year, basic_revision, ci_revision, ci_basic_revision,
        assistance_revision, assistance_basic_revision, assistance_ci_revision)
      VALUES ('S', '440300', 'P1', 2024, 2, 3, 2, 1, 2, 3), ('P', '440300', 'P2', 2024, 2, 1, 1, 1, 1, 1)`);
    const updated = '2024-05-01T10:00:00.000Z';
    for (const [id, stream, status] of [
      ['C-SETTLED', 'S', 'LIVE'],
      ['C-REVERSED', 'S', 'REVERSED'],
      ['C-PENDING', 'P', 'LIVE'],
    ])
      await old.query(
        `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, hospital_id, total, policy_scope, first_hash, latest_hash, updated_at)
         VALUES ($1, $2, '440300', 'P1', 2024, 1, $3, '2024-03-01', 'INPATIENT', 'H-1', 100, 100, 'h', 'h', $4)`,
        [id, stream, status, updated],
      );
    await old.close();

    const migrated = database(migrations.slice(0, migrations.indexOf(ClaimSettledAt1732400000147) + 1));
    await migrated.open();
    try {
      const rows = await migrated.query<{ claim_id: string; settled_at: Date | null }>(
        'SELECT claim_id, settled_at FROM claims ORDER BY claim_id',
      );
      expect(rows.map((r) => [r.claim_id, r.settled_at?.toISOString() ?? null])).toEqual([
        ['C-PENDING', null],
        ['C-REVERSED', null],
        ['C-SETTLED', updated],
      ]);
      await migrated.dataSource.undoLastMigration({ transaction: 'each' });
      const columns = await migrated.query(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'claims' AND column_name = 'settled_at'",
      );
      expect(columns).toEqual([]);
    } finally {
      await migrated.close();
    }
  }, 60_000);
});
