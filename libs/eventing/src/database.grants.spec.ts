import {
  appendOnly,
  declarationProblems,
  EffectivePrivileges,
  grantStatements,
  privilegeProblems,
  quoteIdent,
  RoleFacts,
  TableGrant,
} from './database.grants';

/** The declared model of a runtime role and the comparison with what Postgres says it can do. */
const GRANTS: TableGrant[] = [
  appendOnly('events'),
  { table: 'outbox', privileges: ['SELECT', 'INSERT', 'DELETE'] },
  { table: 'heads', privileges: ['SELECT'], update: ['hash'] },
];

const LEAST: RoleFacts = {
  exists: true,
  canLogin: true,
  superuser: false,
  createDb: false,
  createRole: false,
  replication: false,
  bypassRls: false,
  actsAsMigrationRole: false,
  ownsDatabase: false,
  canConnect: true,
  canCreateSchemas: false,
  canCreateInPublic: false,
  owned: [],
};

const TABLES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
const COLUMNS: Record<string, string[]> = {
  events: ['id', 'data'],
  outbox: ['id', 'payload'],
  heads: ['chain', 'hash'],
  migrations: ['id', 'name'],
};

/** What has_*_privilege answers for a role that holds exactly GRANTS. */
function exactly(grants: TableGrant[]): EffectivePrivileges {
  const of = (table: string) => grants.find((g) => g.table === table);
  const wide = (table: string, p: string) => (of(table)?.privileges as readonly string[] | undefined)?.includes(p) ?? false;
  return {
    tables: Object.keys(COLUMNS).flatMap((table) => TABLES.map((privilege) => ({ table, privilege, granted: wide(table, privilege) }))),
    columns: Object.entries(COLUMNS).flatMap(([table, columns]) =>
      columns.flatMap((column) =>
        ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'].map((privilege) => ({
          table,
          column,
          privilege,
          granted:
            privilege === 'UPDATE' ? (of(table)?.update?.includes(column) ?? false) : privilege !== 'REFERENCES' && wide(table, privilege),
        })),
      ),
    ),
    sequences: [
      { sequence: 'events_id_seq', table: 'events', privilege: 'USAGE', granted: true },
      { sequence: 'events_id_seq', table: 'events', privilege: 'UPDATE', granted: false },
      { sequence: 'migrations_id_seq', table: 'migrations', privilege: 'USAGE', granted: false },
    ],
    notOwnedByMigrationRole: [],
  };
}

describe('the runtime role’s grants', () => {
  it('grants whole-row privileges, updatable columns, and USAGE on the sequences of the tables it inserts into only', () => {
    expect(
      grantStatements('msb_x_app', GRANTS, [
        { sequence: 'events_id_seq', table: 'events' },
        { sequence: 'heads_id_seq', table: 'heads' },
        { sequence: 'loose_seq', table: null },
      ]),
    ).toEqual([
      'GRANT SELECT, INSERT ON TABLE "events" TO "msb_x_app"',
      'GRANT SELECT, INSERT, DELETE ON TABLE "outbox" TO "msb_x_app"',
      'GRANT SELECT ON TABLE "heads" TO "msb_x_app"',
      'GRANT UPDATE ("hash") ON TABLE "heads" TO "msb_x_app"',
      'GRANT USAGE ON SEQUENCE "events_id_seq" TO "msb_x_app"',
    ]);
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });

  it('needs a declaration for every table but the migrations table, and a table for every declaration', () => {
    expect(declarationProblems(GRANTS, ['events', 'outbox', 'heads', 'migrations'])).toEqual([]);
    expect(declarationProblems([...GRANTS, appendOnly('events')], ['events', 'outbox', 'slips', 'migrations'])).toEqual([
      'table events is declared 2 times',
      'table heads is declared but the schema has no such table',
      'table slips has no declared grants for the runtime role (declare them beside its migration)',
    ]);
  });

  it('finds nothing wrong with a role that can do exactly what is declared', () => {
    expect(privilegeProblems('msb_x_app', GRANTS, LEAST, exactly(GRANTS))).toEqual([]);
  });

  it('names every privilege beyond the declaration: an UPDATE or a TRUNCATE of the event store, a column, a sequence', () => {
    const actual = exactly(GRANTS);
    const grant = (table: string, privilege: string, column?: string) => {
      for (const row of column ? actual.columns.filter((c) => c.column === column) : actual.tables)
        if (row.table === table && row.privilege === privilege) row.granted = true;
    };
    grant('events', 'UPDATE');
    grant('events', 'TRUNCATE');
    grant('heads', 'UPDATE', 'chain');
    actual.sequences[1].granted = true;
    expect(privilegeProblems('msb_x_app', GRANTS, LEAST, actual)).toEqual([
      'msb_x_app can UPDATE on events',
      'msb_x_app can TRUNCATE on events',
      'msb_x_app can UPDATE column heads.chain',
      'msb_x_app can UPDATE sequence events_id_seq',
    ]);
  });

  it('names a declared privilege the role does not have, and a declared column that does not exist', () => {
    const actual = exactly(GRANTS);
    actual.tables.find((t) => t.table === 'outbox' && t.privilege === 'DELETE')!.granted = false;
    expect(
      privilegeProblems(
        'msb_x_app',
        [...GRANTS.slice(0, 2), { table: 'heads', privileges: ['SELECT'], update: ['hash', 'gone'] }],
        LEAST,
        actual,
      ),
    ).toEqual(['msb_x_app cannot DELETE on outbox', 'column heads.gone is declared updatable but does not exist']);
  });

  it('refuses a superuser, an owner, the migration role and a role that may create things', () => {
    const facts: RoleFacts = {
      ...LEAST,
      superuser: true,
      actsAsMigrationRole: true,
      ownsDatabase: true,
      canCreateInPublic: true,
      owned: ['relation events'],
    };
    const problems = privilegeProblems('postgres', GRANTS, facts, { ...exactly(GRANTS), notOwnedByMigrationRole: ['outbox'] });
    expect(problems).toEqual([
      'the runtime role postgres is a superuser',
      'the runtime role postgres is the migration role or a member of it',
      'the runtime role postgres owns the database',
      'the runtime role postgres may create objects in schema public',
      'the runtime role postgres owns relation events',
      'table outbox is not owned by the migration role',
    ]);
    expect(privilegeProblems('nobody', GRANTS, { ...LEAST, exists: false }, exactly(GRANTS))).toEqual([
      'the runtime role nobody does not exist',
    ]);
  });
});
