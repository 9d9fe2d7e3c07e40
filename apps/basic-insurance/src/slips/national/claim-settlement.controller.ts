import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import type { ClaimDto } from '@msb/contracts';
import { Caller, correlationIdFrom, CurrentCaller, idParam, RUNTIME, ServiceRuntime } from '@msb/platform';
import { SlipView } from '../slip.view';
import { Settlement2304, settlement2304 } from './settlement-2304.mapper';

/**
 * GET /claims/{claimId}/settlement: the slip in the national platform's 2304 vocabulary
 * (docs/NATIONAL.md). Who may see it is who may see the slip; every one shown is recorded in
 * the access log first. `setl_time` is when the slip first showed SETTLED (else when it last changed).
 */
@Controller()
export class ClaimSettlementController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly slips: SlipView,
  ) {}

  @Get('claims/:claimId/settlement')
  async settlement(
    @Param('claimId') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<Settlement2304> {
    const claimId = idParam('claimId', id);
    const slip = await this.slips.shownTo(caller, claimId, 'GET /claims/:claimId/settlement', correlationIdFrom(headers));
    const [row] = await this.runtime.db.query<{ visit_type: ClaimDto['visitType']; at: Date }>(
      'SELECT visit_type, coalesce(settled_at, updated_at) AS at FROM claims WHERE claim_id = $1',
      [claimId],
    );
    return settlement2304(slip, { visitType: row.visit_type }, row.at.toISOString());
  }
}
