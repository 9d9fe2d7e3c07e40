import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { money, print } from '@msb/money';
import { Caller, CurrentCaller, idParam, Problem, requireRegion, RUNTIME, ServiceRuntime, validate } from '@msb/platform';
import { HospitalRegistry } from './hospital-registry.store';

const feedQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a cursor from an earlier page')
    .optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
});

export interface HospitalAdjustment {
  cursor: string;
  claimId: string;
  payer: 'basic' | 'criticalIllness' | 'assistance';
  version: number;
  amount: string;
  reason: string;
  at: string;
}

/**
 * GET /hospitals/{hospitalId}/adjustments?after=CURSOR&limit=N: every 补付 (positive) and 追回
 * (negative) of every payer on the hospital's claims, in the order recorded, resumable from the
 * last cursor read. A page holds only adjustments no transaction still open could precede, so
 * a reader that resumes from its cursor never misses one. A hospital reads its own; a basic
 * officer those of hospitals in its regions. It names claims and amounts, no person: it is not
 * an access to personal data (the slips it points to are, when read).
 */
@Controller()
export class HospitalAdjustmentsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly registry: HospitalRegistry,
  ) {}

  @Get('hospitals/:hospitalId/adjustments')
  async feed(
    @Param('hospitalId') id: string,
    @Query() query: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<{ hospitalId: string; adjustments: HospitalAdjustment[]; next: string | null }> {
    const hospitalId = idParam('hospitalId', id);
    const { after, limit = 100 } = validate(feedQuery, query ?? {}, 'query');
    if (caller.role === 'hospital') {
      if (caller.hospital !== hospitalId) throw Problem.forbidden(`a hospital reads only its own adjustments, not those of ${hospitalId}`);
    } else {
      const record = await this.registry.get(this.runtime.db, hospitalId);
      if (!record) throw Problem.notFound(`hospital ${hospitalId} is not registered`);
      requireRegion(caller, record.record.region);
    }
    const rows = await this.runtime.db.query<{
      id: string;
      claim_id: string;
      payer: HospitalAdjustment['payer'];
      version: number;
      amount: string;
      reason: string;
      at: Date;
    }>(
      `SELECT a.id::text, a.claim_id, a.payer, a.version, a.amount::text, a.reason, a.at
       FROM adjustments a JOIN claims c USING (claim_id)
       WHERE c.hospital_id = $1 AND a.id > $2 AND a.tx < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY a.id LIMIT $3`,
      [hospitalId, after ?? '0', limit],
    );
    const adjustments = rows.map((r) => ({
      cursor: r.id,
      claimId: r.claim_id,
      payer: r.payer,
      version: r.version,
      amount: print(money(r.amount)),
      reason: r.reason,
      at: r.at.toISOString(),
    }));
    return { hospitalId, adjustments, next: adjustments.at(-1)?.cursor ?? after ?? null };
  }
}
