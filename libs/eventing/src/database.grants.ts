/**
 * Least privilege in a service's database: the migration role owns every schema object and runs
 * the DDL; the service's runtime role gets, table by table, exactly what its code does there and
 * nothing else. Declared per table beside the migrations; applied and then checked by the migration
 * role at every start, so a table without a declaration, a forgotten GRANT, a manual one, or a
 * runtime role that can do more (a superuser, an owner, a member of the owner) stops the start.
 */

/** Row-level privileges a runtime role may hold on a whole table. */
export type RowPrivilege = 'SELECT' | 'INSERT' | 'DELETE';

export interface TableGrant {
  table: string;
  privileges: readonly RowPrivilege[];
  /** The columns the runtime role may UPDATE; none: a row never changes once written. */
  update?: readonly string[];
}

/** 只增不改: rows are added and read, never changed or removed (the event store, the audit log). */
export function appendOnly(table: string): TableGrant {
  return { table, privileges: ['SELECT', 'INSERT'] };
}

/** The table TypeORM records applied migrations in: the runtime role has nothing on it. */
export const MIGRATIONS_TABLE = 'migrations';

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] as const;
const COLUMN_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'] as const;
const SEQUENCE_PRIVILEGES = ['USAGE', 'SELECT', 'UPDATE'] as const;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The GRANT statements of the declared model (after everything was revoked). */
export function grantStatements(role: string, grants: readonly TableGrant[], sequences: readonly SequenceOf[]): string[] {
  const r = quoteIdent(role);
  const statements: string[] = [];
  for (const g of grants) {
    const t = quoteIdent(g.table);
    if (g.privileges.length > 0) statements.push(`GRANT ${[...new Set(g.privileges)].join(', ')} ON TABLE ${t} TO ${r}`);
    if (g.update?.length) statements.push(`GRANT UPDATE (${g.update.map(quoteIdent).join(', ')}) ON TABLE ${t} TO ${r}`);
  }
  for (const s of sequences) {
    if (grants.some((g) => g.table === s.table && g.privileges.includes('INSERT')))
      statements.push(`GRANT USAGE ON SEQUENCE ${quoteIdent(s.sequence)} TO ${r}`);
  }
  return statements;
}

/** A sequence of the schema and the table whose column owns it (serial, identity), if any. */
export interface SequenceOf {
  sequence: string;
  table: string | null;
}

export interface RoleFacts {
  exists: boolean;
  canLogin: boolean;
  superuser: boolean;
  createDb: boolean;
  createRole: boolean;
  replication: boolean;
  bypassRls: boolean;
  /** It is the migration role, or a member of it (so it could act as the owner). */
  actsAsMigrationRole: boolean;
  ownsDatabase: boolean;
  canConnect: boolean;
  canCreateSchemas: boolean;
  canCreateInPublic: boolean;
  /** Objects in the schema owned by the role or by a role it is a member of. */
  owned: string[];
}

/** What the runtime role can actually do, as Postgres answers has_*_privilege for it. */
export interface EffectivePrivileges {
  tables: { table: string; privilege: string; granted: boolean }[];
  columns: { table: string; column: string; privilege: string; granted: boolean }[];
  sequences: (SequenceOf & { privilege: string; granted: boolean })[];
  /** Tables of the schema not owned by the migration role. */
  notOwnedByMigrationRole: string[];
}

/** Declared tables missing from the schema, tables of the schema without a declaration. */
export function declarationProblems(grants: readonly TableGrant[], tables: readonly string[]): string[] {
  const problems: string[] = [];
  const declared = new Map<string, number>();
  for (const g of grants) declared.set(g.table, (declared.get(g.table) ?? 0) + 1);
  for (const [table, n] of declared) {
    if (n > 1) problems.push(`table ${table} is declared ${n} times`);
    if (!tables.includes(table)) problems.push(`table ${table} is declared but the schema has no such table`);
  }
  for (const table of tables) {
    if (table !== MIGRATIONS_TABLE && !declared.has(table))
      problems.push(`table ${table} has no declared grants for the runtime role (declare them beside its migration)`);
  }
  return problems;
}

/** Every difference between the declared model and what the runtime role can do, and every role fact that breaks least privilege. */
export function privilegeProblems(role: string, grants: readonly TableGrant[], facts: RoleFacts, actual: EffectivePrivileges): string[] {
  if (!facts.exists) return [`the runtime role ${role} does not exist`];
  const problems: string[] = [];
  const flags: [boolean, string][] = [
    [!facts.canLogin, 'cannot log in'],
    [facts.superuser, 'is a superuser'],
    [facts.createDb, 'may create databases'],
    [facts.createRole, 'may create roles'],
    [facts.replication, 'may replicate'],
    [facts.bypassRls, 'bypasses row-level security'],
    [facts.actsAsMigrationRole, 'is the migration role or a member of it'],
    [facts.ownsDatabase, 'owns the database'],
    [!facts.canConnect, 'may not connect to the database'],
    [facts.canCreateSchemas, 'may create schemas in the database'],
    [facts.canCreateInPublic, 'may create objects in schema public'],
  ];
  for (const [bad, what] of flags) if (bad) problems.push(`the runtime role ${role} ${what}`);
  for (const object of facts.owned) problems.push(`the runtime role ${role} owns ${object}`);
  for (const table of actual.notOwnedByMigrationRole) problems.push(`table ${table} is not owned by the migration role`);

  const byTable = new Map(grants.map((g) => [g.table, g]));
  const tableWide = (table: string, privilege: string) =>
    (byTable.get(table)?.privileges as readonly string[] | undefined)?.includes(privilege) ?? false;
  for (const { table, privilege, granted } of actual.tables) {
    const expected = tableWide(table, privilege);
    if (granted !== expected) problems.push(`${role} ${granted ? 'can' : 'cannot'} ${privilege} on ${table}`);
  }
  for (const { table, column, privilege, granted } of actual.columns) {
    const expected =
      privilege === 'UPDATE'
        ? (byTable.get(table)?.update?.includes(column) ?? false)
        : privilege !== 'REFERENCES' && tableWide(table, privilege);
    if (granted !== expected) problems.push(`${role} ${granted ? 'can' : 'cannot'} ${privilege} column ${table}.${column}`);
  }
  for (const g of grants) {
    for (const column of g.update ?? [])
      if (!actual.columns.some((c) => c.table === g.table && c.column === column))
        problems.push(`column ${g.table}.${column} is declared updatable but does not exist`);
  }
  for (const { sequence, table, privilege, granted } of actual.sequences) {
    const expected = privilege === 'USAGE' && table !== null && tableWide(table, 'INSERT');
    if (granted !== expected) problems.push(`${role} ${granted ? 'can' : 'cannot'} ${privilege} sequence ${sequence}`);
  }
  return problems;
}

/** Runs SQL on the migration role's connection, in its transaction. */
export interface Sql {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export class RuntimePrivilegeError extends Error {
  constructor(
    readonly role: string,
    readonly problems: string[],
  ) {
    super(`the runtime role ${role} is not held to least privilege:\n  ${problems.join('\n  ')}`);
    this.name = 'RuntimePrivilegeError';
  }
}

const RELATIONS = `SELECT c.relname AS table FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`;

const SEQUENCES = `
  SELECT s.oid, s.relname AS sequence, t.relname AS table
  FROM pg_class s
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class t ON t.oid = d.refobjid
  WHERE s.relnamespace = 'public'::regnamespace AND s.relkind = 'S' ORDER BY 1`;

/**
 * Make the runtime role's privileges in this database exactly `grants` (tables), USAGE on the
 * sequences of the tables it inserts into, CONNECT on the database (when the migration role owns
 * it), and check the result: any difference, or a runtime role that could do more, throws
 * RuntimePrivilegeError. Run as the migration role in one transaction.
 */
export async function applyRuntimeGrants(sql: Sql, role: string, grants: readonly TableGrant[]): Promise<void> {
  // one instance at a time reconciles a database's grants
  await sql.query("SELECT pg_advisory_xact_lock(hashtext('msb-runtime-grants'))");
  const tables = (await sql.query<{ table: string }>(RELATIONS)).map((r) => r.table);
  const declared = declarationProblems(grants, tables);
  if (declared.length > 0) throw new RuntimePrivilegeError(role, declared);
  const [known] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [role]);
  if (!known || known.n === 0)
    throw new RuntimePrivilegeError(role, [`the runtime role ${role} does not exist (npm run infra:up creates it)`]);

  const r = quoteIdent(role);
  const [db] = await sql.query<{ name: string; owned: boolean }>(
    "SELECT current_database() AS name, pg_has_role(current_user, datdba, 'USAGE') AS owned FROM pg_database WHERE datname = current_database()",
  );
  const statements = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`,
    `REVOKE ALL ON SCHEMA public FROM ${r}`,
    `GRANT USAGE ON SCHEMA public TO ${r}`,
  ];
  // each column privilege is revoked too: REVOKE ALL ON TABLE leaves column grants alone
  const columns = await sql.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attacl IS NOT NULL ORDER BY 1, 2`,
  );
  const columnsByTable = new Map<string, string[]>();
  for (const { table, column } of columns) columnsByTable.set(table, [...(columnsByTable.get(table) ?? []), column]);
  for (const [table, cols] of columnsByTable)
    statements.push(`REVOKE ALL (${cols.map(quoteIdent).join(', ')}) ON TABLE ${quoteIdent(table)} FROM ${r}`);
  if (db.owned) {
    // 各库只许本服务: only this service's runtime role may connect to its database
    statements.push(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    statements.push(`REVOKE ALL ON DATABASE ${quoteIdent(db.name)} FROM PUBLIC`, `REVOKE ALL ON DATABASE ${quoteIdent(db.name)} FROM ${r}`);
    statements.push(`GRANT CONNECT ON DATABASE ${quoteIdent(db.name)} TO ${r}`);
  }
  const sequences = (await sql.query<SequenceOf>(SEQUENCES)).map(({ sequence, table }) => ({ sequence, table }));
  statements.push(...grantStatements(role, grants, sequences));
  for (const statement of statements) await sql.query(statement);

  const problems = privilegeProblems(role, grants, await roleFacts(sql, role), await effectivePrivileges(sql, role));
  if (problems.length > 0) throw new RuntimePrivilegeError(role, problems);
}

async function roleFacts(sql: Sql, role: string): Promise<RoleFacts> {
  const [row] = await sql.query<Omit<RoleFacts, 'exists'>>(
    `SELECT r.rolcanlogin AS "canLogin", r.rolsuper AS superuser, r.rolcreatedb AS "createDb", r.rolcreaterole AS "createRole",
       r.rolreplication AS replication, r.rolbypassrls AS "bypassRls",
       pg_has_role(r.oid, current_user, 'MEMBER') AS "actsAsMigrationRole",
       pg_has_role(r.oid, d.datdba, 'MEMBER') AS "ownsDatabase",
       has_database_privilege(r.oid, d.oid, 'CONNECT') AS "canConnect",
       has_database_privilege(r.oid, d.oid, 'CREATE') AS "canCreateSchemas",
       has_schema_privilege(r.oid, 'public', 'CREATE') AS "canCreateInPublic",
       array(
         SELECT 'schema ' || n.nspname FROM pg_namespace n
           WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND pg_has_role(r.oid, n.nspowner, 'MEMBER')
         UNION ALL
         SELECT 'relation ' || c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND pg_has_role(r.oid, c.relowner, 'MEMBER')
         UNION ALL
         SELECT 'function ' || p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND pg_has_role(r.oid, p.proowner, 'MEMBER')
         UNION ALL
         SELECT 'type ' || t.typname FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typrelid = 0 AND pg_has_role(r.oid, t.typowner, 'MEMBER')
         ORDER BY 1
       ) AS owned
     FROM pg_roles r, pg_database d WHERE r.rolname = $1 AND d.datname = current_database()`,
    [role],
  );
  return row ? { exists: true, ...row } : ({ exists: false } as RoleFacts);
}

async function effectivePrivileges(sql: Sql, role: string): Promise<EffectivePrivileges> {
  const tables = await sql.query<EffectivePrivileges['tables'][number]>(
    `SELECT c.relname AS table, p.privilege, has_table_privilege($1::name, c.oid, p.privilege) AS granted
     FROM pg_class c, unnest($2::text[]) AS p(privilege)
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1, 2`,
    [role, TABLE_PRIVILEGES],
  );
  const columns = await sql.query<EffectivePrivileges['columns'][number]>(
    `SELECT c.relname AS table, a.attname AS column, p.privilege, has_column_privilege($1::name, c.oid, a.attnum, p.privilege) AS granted
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid, unnest($2::text[]) AS p(privilege)
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY 1, 2, 3`,
    [role, COLUMN_PRIVILEGES],
  );
  const sequences = await sql.query<EffectivePrivileges['sequences'][number]>(
    `SELECT q.sequence, q.table, p.privilege, has_sequence_privilege($1::name, q.oid, p.privilege) AS granted
     FROM (${SEQUENCES}) q, unnest($2::text[]) AS p(privilege) ORDER BY 1, 3`,
    [role, SEQUENCE_PRIVILEGES],
  );
  const notOwned = await sql.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
     ORDER BY 1`,
  );
  return { tables, columns, sequences, notOwnedByMigrationRole: notOwned.map((r) => r.table) };
}
