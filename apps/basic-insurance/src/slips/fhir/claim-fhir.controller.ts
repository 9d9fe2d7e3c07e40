import { Controller, Get, Header, Headers, Inject, Param } from '@nestjs/common';
import type { BasicDecidedClaim, CriticalIllnessDecidedClaim } from '@msb/contracts';
import { money, ONE, print, round2, ZERO } from '@msb/money';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicCatalogues } from '../../catalogue/basic-catalogue.store';
import { HospitalRegistry } from '../../hospitals/hospital-registry.store';
import { BasicPolicies } from '../../policies/basic-policy.store';
import type { BasicPersonYearState } from '../../person-years/basic-person-year.decider';
import { PayerPreviewClient } from '../../preview/payer-preview.client';
import { Ledger, Slip, SlipView } from '../slip.view';
import { EobInput, explanationOfBenefit, FhirResource } from './explanation-of-benefit.mapper';

export const FHIR_JSON = 'application/fhir+json';

/**
 * GET /claims/{claimId}/fhir: the slip as a FHIR R4 ExplanationOfBenefit, its items classified
 * by the catalogue in force (docs/API.md). Who may see it is who may see the slip; every one
 * shown is recorded in the access log first.
 */
@Controller()
export class ClaimFhirController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly slips: SlipView,
    private readonly policies: BasicPolicies,
    private readonly catalogues: BasicCatalogues,
    private readonly registry: HospitalRegistry,
    private readonly payers: PayerPreviewClient,
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
    const [row] = await this.runtime.db.query<{ state: Pick<BasicPersonYearState, 'claims' | 'decided'>; updated_at: Date }>(
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
        ...(await this.downstreamCaps(slip, ledger, row.state.decided, correlationIdFrom(headers))),
      },
    };
    return explanationOfBenefit(input);
  }

  /**
   * 大病's and assistance's annual caps are their agencies' policies, not basic's: each is asked
   * (the preview's route, on the person-year's claims as basic decided them) for the cap that
   * applies to the person-year. A payer that does not answer leaves its balance at what was used.
   */
  private async downstreamCaps(
    slip: Slip,
    ledger: Ledger | undefined,
    decided: BasicDecidedClaim[],
    requestId: string,
  ): Promise<Pick<EobInput['caps'], 'criticalIllness' | 'assistance'>> {
    const used = { criticalIllness: ledger?.criticalIllness ?? slip.criticalIllness, assistance: ledger?.assistance ?? slip.assistance };
    const personYear = { region: slip.region, personId: slip.personId, year: slip.year };
    const ci = await this.payers.ask<{ annualCap: string | null; claims: CriticalIllnessDecidedClaim[] }>(
      'critical-illness',
      { personYear, claims: decided },
      requestId,
    );
    const assistance = ci.ok
      ? await this.payers.ask<{ annualCap: string | null }>('medical-assistance', { personYear, claims: ci.value.claims }, requestId)
      : undefined;
    const capOf = (part: typeof ci | typeof assistance) =>
      part?.ok && part.value.annualCap !== null ? { annualCap: part.value.annualCap } : {};
    return {
      criticalIllness: { used: used.criticalIllness, ...capOf(ci) },
      assistance: { used: used.assistance, ...capOf(assistance) },
    };
  }
}
