import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { hospitalRecordSchema } from '@msb/contracts';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  expectedRevisionFrom,
  idParam,
  Problem,
  requireRegion,
  RUNTIME,
  ServiceRuntime,
  validate,
} from '@msb/platform';
import { BasicRecalculation } from '../recalculation/basic-recalculation.service';
import { HospitalRegistry } from './hospital-registry.store';

/**
 * PUT and GET /hospitals/{hospitalId}: the bureau's registry of designated hospitals (定点医疗机构).
 * An officer registers or changes hospitals of its regions (moving one between regions needs
 * both); the change recalculates what the hospital's claims are owed.
 */
@Controller()
export class HospitalsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly registry: HospitalRegistry,
    private readonly recalculation: BasicRecalculation,
  ) {}

  @Put('hospitals/:hospitalId')
  @HttpCode(200)
  async put(
    @Param('hospitalId') id: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const hospitalId = idParam('hospitalId', id);
    const record = validate(hospitalRecordSchema, body);
    requireRegion(caller, record.region);
    const expectedRevision = expectedRevisionFrom(headers);
    const result = await this.runtime.db.transaction(async (tx) => {
      const current = await this.registry.get(tx, hospitalId);
      if (current) requireRegion(caller, current.record.region);
      return this.registry.put(tx, { hospitalId, record, expectedRevision, now: new Date(), correlationId: correlationIdFrom(headers) });
    });
    if (result.created) {
      this.runtime.relay.poke();
      this.recalculation.poke();
    }
    return { hospitalId: result.hospitalId, revision: result.revision };
  }

  @Get('hospitals/:hospitalId')
  async get(@Param('hospitalId') id: string, @CurrentCaller() caller: Caller) {
    const hospitalId = idParam('hospitalId', id);
    const current = await this.registry.get(this.runtime.db, hospitalId);
    if (!current) throw Problem.notFound(`hospital ${hospitalId} is not registered`);
    requireRegion(caller, current.record.region);
    return { hospitalId, revision: current.revision, recordedAt: current.recordedAt, ...current.record };
  }
}
