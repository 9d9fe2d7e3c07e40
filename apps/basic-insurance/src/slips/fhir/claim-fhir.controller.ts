import { Controller, Get, Header, Headers, Inject, Param } from '@nestjs/common';
import type { ClaimDto } from '@msb/contracts';
import { money, ONE, print, round2, ZERO } from '@msb/money';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicCatalogues } from '../../catalogue/basic-catalogue.store';
import { HospitalRegistry } from '../../hospitals/hospital-registry.store';
import { BasicPolicies } from '../../policies/basic-policy.store';
import { SlipView } from '../slip.view';
import { EobInput, explanationOfBenefit, FhirResource } from './explanation-of-benefit.mapper';

export const FHIR_JSON = 'application/fhir+json';

/**
 * GET /claims/{claimId}/fhir: the slip as a FHIR R4 ExplanationOfBenefit, its items classified
 * by the catalogue in force (docs/API.md). Who may see it is who may see the slip; every one
 * shown is recorded in the access log first. The annual caps of 大病 and assistance are their
 * agencies' policies, not basic's: their balances show what was used.
 */
@Controller()
export class ClaimFhirController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly slips: SlipView,
    private readonly policies: BasicPolicies,
    private readonly catalogues: BasicCatalogues,
    private readonly registry: HospitalRegistry,
  ) {}

  @Get('claims/:claimId/fhir')
  @Header('content-type', FHIR_JSON)
  async fhir(
    @Param('claimId') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<FhirResource> {
    const claimId = idParam('claimId', id);
    const slip = await this.slips.shownTo(caller, claimId, 'GET /claims/:claimId/fhir', correlationIdFrom(headers));
    const [row] = await this.runtime.db.query<{ state: { claims: Record<string, { claim: ClaimDto }> }; updated_at: Date }>(
      'SELECT p.state, c.updated_at FROM claims c JOIN person_years p USING (stream_id) WHERE c.claim_id = $1',
      [claimId],
    );
    const claim = row?.state.claims[claimId]?.claim;
    if (!claim) throw Problem.notFound(`claim ${claimId} is unknown`);
    const [policy, catalogue, hospital, ledger] = await Promise.all([
      this.policies.latest(this.runtime.db, slip.region, slip.year),
      this.catalogues.latest(this.runtime.db, slip.region, slip.year),
      this.registry.get(this.runtime.db, claim.hospital.id),
      this.slips.ledger(slip.region, slip.personId, slip.year),
    ]);
    const input: EobInput = {
      claimId,
      personId: slip.personId,
      region: slip.region,
      year: slip.year,
      version: slip.version,
      status: slip.status,
      hospital: { id: claim.hospital.id, name: hospital?.record.name },
      visitType: claim.visitType,
      admissionDate: claim.admissionDate,
      serviceDate: claim.serviceDate,
      diagnosis: claim.diagnosis,
      created: (row?.updated_at ?? new Date()).toISOString(),
      items: claim.items.map((item) => {
        const entry = catalogue?.terms.get(item.code);
        const amount = money(item.amount);
        // 甲类 wholly in scope, 乙类 after its self-paid share (the item's ratio, else the policy's), 丙类 not at all
        const inScope =
          entry?.category === 'A'
            ? amount
            : entry?.category === 'B'
              ? round2(amount.times(ONE.minus(entry.selfPayRatio ?? policy?.terms.classBSelfPayRatio ?? ONE)))
              : ZERO;
        return { ...item, category: entry?.category ?? null, inScope: print(inScope) };
      }),
      figures: slip,
      caps: {
        basic: { annualCap: policy ? print(policy.terms.annualCap) : slip.basic, used: ledger?.basic ?? slip.basic },
        criticalIllness: { used: ledger?.criticalIllness ?? slip.criticalIllness },
        assistance: { used: ledger?.assistance ?? slip.assistance },
      },
    };
    return explanationOfBenefit(input);
  }
}
