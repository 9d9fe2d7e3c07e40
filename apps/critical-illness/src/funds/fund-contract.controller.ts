import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Put } from '@nestjs/common';
import type { FundContractDto } from '@msb/contracts';
import { print } from '@msb/money';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  expectedRevisionFrom,
  latestShown,
  putRevision,
  regionYearParams,
  requireRegion,
  RUNTIME,
  ServiceRuntime,
} from '@msb/platform';
import { fundContractFromWire, premiumOf } from '@msb/settlement';
import { CriticalIllnessContracts } from './fund-contract.store';
import { validFundContract } from './fund-contract.validation';

const premiumShown = (contract: FundContractDto): string => print(premiumOf(fundContractFromWire(contract)));

/**
 * PUT and GET /contracts/{region}/{year}: the 大病 contract of a region-year, revisioned like a
 * policy (If-Match: "revision" or 409; the same body again is a no-op answering the same revision).
 * Both answers show the premium it makes (筹资 = insured × perCapitaBasicFunding × fundingRate).
 */
@Controller()
export class FundContractController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly contracts: CriticalIllnessContracts,
  ) {}

  @Put('contracts/:region/:year')
  @HttpCode(200)
  async put(
    @Param('region') region: string,
    @Param('year') year: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const params = regionYearParams(region, year);
    requireRegion(caller, params.region);
    const contract = validFundContract(body);
    const result = await putRevision(this.runtime, this.contracts, undefined, {
      region: params.region,
      year: params.year,
      dto: contract,
      expectedRevision: expectedRevisionFrom(headers),
      now: new Date(),
      correlationId: correlationIdFrom(headers),
    });
    // the body is the revision answered: a new one, or the latest when it is the same contract
    return { region: result.region, year: result.year, revision: result.revision, premium: premiumShown(contract) };
  }

  @Get('contracts/:region/:year')
  async get(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
    const params = regionYearParams(region, year);
    requireRegion(caller, params.region);
    const shown = await latestShown(this.runtime, this.contracts, params, '大病 contract', 'contract');
    return { ...shown, premium: premiumShown(shown.contract as FundContractDto) };
  }
}
