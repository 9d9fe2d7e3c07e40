import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints whose leaves commit each entry's position. Every entry gets its leaf
 * index (its place in recording order, 0-based, dense); the tree's nodes are stored as they
 * complete (merkle_nodes); a checkpoint keeps its signed note. The unsigned checkpoints taken
 * before, over leaves of the chain hash alone, are kept as checkpoints_v1 and still verified.
 */
export class AuditSignedCheckpoints1732400000420 implements MigrationInterface {
  name = 'AuditSignedCheckpoints1732400000420';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log ADD COLUMN leaf_index bigint');
    await q.query(`
      UPDATE audit_log l SET leaf_index = r.n - 1
      FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM audit_log) r WHERE r.seq = l.seq`);
    await q.query('ALTER TABLE audit_log ALTER COLUMN leaf_index SET NOT NULL');
    await q.query('ALTER TABLE audit_log ADD CONSTRAINT audit_log_leaf_index UNIQUE (leaf_index)');

    await q.query('ALTER TABLE checkpoints RENAME TO checkpoints_v1');
    await q.query('ALTER TABLE checkpoints_v1 RENAME CONSTRAINT checkpoints_pkey TO checkpoints_v1_pkey');
    await q.query('ALTER TABLE checkpoints_v1 RENAME CONSTRAINT checkpoints_tree_size_key TO checkpoints_v1_tree_size_key');
    await q.query('ALTER SEQUENCE checkpoints_id_seq RENAME TO checkpoints_v1_id_seq');

    await q.query(`
      CREATE TABLE merkle_nodes (
        level smallint NOT NULL,
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, idx)
      )`);
    await q.query(`
      CREATE TABLE checkpoints (
        id bigserial PRIMARY KEY,
        tree_size bigint NOT NULL UNIQUE,
        last_seq bigint NOT NULL,
        root bytea NOT NULL,
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE checkpoints');
    await q.query('DROP TABLE merkle_nodes');
    await q.query('ALTER SEQUENCE checkpoints_v1_id_seq RENAME TO checkpoints_id_seq');
    await q.query('ALTER TABLE checkpoints_v1 RENAME CONSTRAINT checkpoints_v1_tree_size_key TO checkpoints_tree_size_key');
    await q.query('ALTER TABLE checkpoints_v1 RENAME CONSTRAINT checkpoints_v1_pkey TO checkpoints_pkey');
    await q.query('ALTER TABLE checkpoints_v1 RENAME TO checkpoints');
    await q.query('ALTER TABLE audit_log DROP COLUMN leaf_index');
  }
}
