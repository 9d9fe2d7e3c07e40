import { Injectable } from '@nestjs/common';
import { contentHash, HospitalRecordDto, personKey, TOPICS } from '@msb/contracts';
import { appendToStream, enqueue, envelope, Tx } from '@msb/eventing';
import { Problem, scheduleRecalculation } from '@msb/platform';
import { HospitalRecord, hospitalFromWire } from '@msb/settlement';

/** The registry as of one revision: every hospital's latest record. */
export interface HospitalRegistryInForce {
  /** 0: nothing registered yet. */
  revision: number;
  hospitals: ReadonlyMap<string, HospitalRecord>;
}

export interface PutHospitalResult {
  hospitalId: string;
  revision: number;
  created: boolean;
}

/** One lock for the whole registry: deciders hold it shared while they decide, a change exclusively. */
const LOCK = 'basic-hospital-registry';

/**
 * The bureau's hospital registry (定点医疗机构): a hospital's level and region decide basic's
 * deductible and rate, its designation whether its claims are taken at all. Each change is a
 * new registry revision, recorded, published (basic.HospitalRegistered) and followed by a
 * recalculation of every region-year with claims at that hospital (its level or region may
 * have changed what they are owed).
 */
@Injectable()
export class HospitalRegistry {
  private cached: HospitalRegistryInForce = { revision: 0, hospitals: new Map() };

  /** The registry in force, held with the shared lock for the rest of `tx`. */
  async inForce(tx: Tx): Promise<HospitalRegistryInForce> {
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [LOCK]);
    const [head] = await tx.query<{ revision: number | null }>('SELECT max(revision) AS revision FROM hospital_revisions');
    const revision = head?.revision ?? 0;
    if (revision === this.cached.revision) return this.cached;
    const rows = await tx.query<{ hospital_id: string; record: HospitalRecordDto }>(
      'SELECT DISTINCT ON (hospital_id) hospital_id, record FROM hospital_revisions WHERE revision <= $1 ORDER BY hospital_id, revision DESC',
      [revision],
    );
    const hospitals = new Map(rows.map((r) => [r.hospital_id, hospitalFromWire(r.record)]));
    this.cached = { revision, hospitals };
    return this.cached;
  }

  async get(
    db: Pick<Tx, 'query'>,
    hospitalId: string,
  ): Promise<{ revision: number; record: HospitalRecordDto; recordedAt: string } | undefined> {
    const [row] = await db.query<{ revision: number; record: HospitalRecordDto; recorded_at: Date }>(
      'SELECT revision, record, recorded_at FROM hospital_revisions WHERE hospital_id = $1 ORDER BY revision DESC LIMIT 1',
      [hospitalId],
    );
    return row && { revision: row.revision, record: row.record, recordedAt: row.recorded_at.toISOString() };
  }

  /**
   * Record a hospital's record as a new registry revision (the same record again: a no-op that
   * answers the revision it has). `expectedRevision` (If-Match) must name the revision of the
   * hospital's current record (0: not registered yet).
   */
  async put(
    tx: Tx,
    input: { hospitalId: string; record: HospitalRecordDto; expectedRevision?: number; now: Date; correlationId?: string },
  ): Promise<PutHospitalResult> {
    const { hospitalId, record, now } = input;
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
    const current = await this.get(tx, hospitalId);
    const currentRevision = current?.revision ?? 0;
    if (input.expectedRevision !== undefined && input.expectedRevision !== currentRevision)
      throw Problem.conflict(
        `hospital ${hospitalId} is at revision ${currentRevision}, not ${input.expectedRevision}; read it again and resubmit`,
      );
    const hash = contentHash(record);
    if (current && contentHash(current.record) === hash) return { hospitalId, revision: currentRevision, created: false };
    const [head] = await tx.query<{ revision: number | null }>('SELECT max(revision) AS revision FROM hospital_revisions');
    const registryRevision = head?.revision ?? 0;
    const revision = registryRevision + 1;
    await tx.execute(
      'INSERT INTO hospital_revisions (revision, hospital_id, content_hash, record, recorded_at) VALUES ($1, $2, $3, $4, $5)',
      [revision, hospitalId, hash, JSON.stringify(record), now],
    );
    const data = { hospitalId, revision, hospital: record };
    const message = envelope({
      type: 'basic.HospitalRegistered',
      source: 'basic-insurance',
      subject: `hospital:${hospitalId}`,
      data,
      time: now,
      correlationId: input.correlationId,
    });
    await appendToStream(tx, LOCK, registryRevision, [
      { type: 'HospitalRegistered', data, eventId: message.id, metadata: { correlationId: message.correlationId } },
    ]);
    await enqueue(tx, [{ topic: TOPICS.basicPolicies, key: personKey(record.region, `hospital:${hospitalId}`), envelope: message }]);
    // every region-year with claims at the hospital is decided again on the new record
    const affected = await tx.query<{ region: string; year: number }>('SELECT DISTINCT region, year FROM claims WHERE hospital_id = $1', [
      hospitalId,
    ]);
    for (const a of affected) await scheduleRecalculation(tx, a.region, a.year, 0);
    return { hospitalId, revision, created: true };
  }
}
