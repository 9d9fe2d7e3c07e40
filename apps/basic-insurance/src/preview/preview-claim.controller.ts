import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import type { AssistanceDecidedClaim, BasicDecidedClaim, ClaimDto, CriticalIllnessDecidedClaim } from '@msb/contracts';
import { money, print } from '@msb/money';
import { Caller, correlationIdFrom, CurrentCaller, Problem, requireOwnHospital, RUNTIME, ServiceRuntime } from '@msb/platform';
import { assertConservation, decideBasicPersonYear, personYearOf, RecordedClaim, resolveClaim } from '@msb/settlement';
import { BasicCatalogues } from '../catalogue/basic-catalogue.store';
import { validateClaim } from '../claims/claim-request.validation';
import { HospitalRegistry } from '../hospitals/hospital-registry.store';
import type { BasicPersonYearState } from '../person-years/basic-person-year.decider';
import { streamIdOf } from '../person-years/basic-person-year.stream';
import { BasicPolicies } from '../policies/basic-policy.store';
import { PayerPreviewClient } from './payer-preview.client';

/** A payer's part the preview could not get, and why. */
export interface MissingPart {
  payer: 'criticalIllness' | 'assistance';
  reason: string;
}

/** 试算: the slip a claim would have if it were added now; a part a payer did not give is absent and named in `missing`. */
export interface PreviewSlip {
  claimId: string;
  personId: string;
  region: string;
  year: number;
  status: 'PREVIEW';
  total: string;
  policyScope: string;
  outOfScope: string;
  deductiblePaid: string;
  notInCatalogue: { code: string; amount: string; reason: 'NOT_IN_CATALOGUE' }[];
  basic: string;
  criticalIllness?: string;
  assistance?: string;
  selfPay?: string;
  missing: MissingPart[];
}

/**
 * POST /claims/preview (2303 预结算): the slip of a claim as if it were added to its person-year
 * now (a claim id already recorded: as if corrected), in one request. Basic decides its part on
 * the policy, catalogue and registry in force; 大病 and then assistance are asked for theirs
 * (POST /previews, basic's service token), each on its own facts. Nothing is recorded or
 * published, and a part a payer does not give in time is named, never guessed.
 */
@Controller()
export class PreviewClaimController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly catalogues: BasicCatalogues,
    private readonly registry: HospitalRegistry,
    private readonly payers: PayerPreviewClient,
  ) {}

  @Post('claims/preview')
  @HttpCode(200)
  async preview(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<PreviewSlip> {
    const claim = validateClaim(body);
    requireOwnHospital(caller, claim.hospital.id, `claim ${claim.claimId}`);
    const key = personYearOf(claim);
    // read only: a transaction for the registry's shared lock and one view of the terms; it writes nothing
    const decided = await this.runtime.db.transaction(async (tx) => {
      const [policy, catalogue, hospitals, rows] = await Promise.all([
        this.policies.latest(tx, key.region, key.year),
        this.catalogues.latest(tx, key.region, key.year),
        this.registry.inForce(tx),
        tx.query<{ state: BasicPersonYearState }>('SELECT state FROM person_years WHERE stream_id = $1', [streamIdOf(key)]),
      ]);
      if (!policy || !catalogue)
        throw Problem.notPayable(`there is no basic ${policy ? 'catalogue' : 'policy'} for region ${key.region} in ${key.year}`);
      const hospital = hospitals.hospitals.get(claim.hospital.id);
      if (!hospital?.designated)
        throw Problem.notPayable(`hospital ${claim.hospital.id} is not a designated hospital in the bureau's registry`, [
          { path: '/hospital/id', message: hospital ? 'is not a designated hospital' : 'is not a registered hospital' },
        ]);
      const recorded = Object.values(rows[0]?.state.claims ?? {}) as RecordedClaim[];
      const previous = recorded.find((r) => r.claim.claimId === claim.claimId);
      const claims: RecordedClaim[] = [
        ...recorded.filter((r) => r.claim.claimId !== claim.claimId),
        { claim, version: (previous?.version ?? 0) + 1, status: 'LIVE' },
      ];
      const resolve = (dto: ClaimDto, version: number) => {
        const h = hospitals.hospitals.get(dto.hospital.id);
        if (!h) throw new Error(`claim ${dto.claimId} names a hospital the registry does not hold`);
        return resolveClaim(dto, version, catalogue.terms, h);
      };
      const outcome = decideBasicPersonYear(policy.terms, claims, {}, 'INITIAL', resolve);
      return outcome.summary.claims;
    });
    const own = decided.find((c) => c.claimId === claim.claimId)!;
    const requestId = correlationIdFrom(headers);
    const missing: MissingPart[] = [];
    let ci: CriticalIllnessDecidedClaim[] | undefined;
    let assistance: AssistanceDecidedClaim[] | undefined;
    const ciPart = await this.payers.ask<{ claims: CriticalIllnessDecidedClaim[] }>(
      'critical-illness',
      { personYear: key, claims: decided },
      requestId,
    );
    if (ciPart.ok) ci = ciPart.value.claims;
    else missing.push({ payer: 'criticalIllness', reason: ciPart.reason });
    if (ci) {
      const part = await this.payers.ask<{ claims: AssistanceDecidedClaim[] }>(
        'medical-assistance',
        { personYear: key, claims: ci },
        requestId,
      );
      if (part.ok) assistance = part.value.claims;
      else missing.push({ payer: 'assistance', reason: part.reason });
    } else missing.push({ payer: 'assistance', reason: 'NEEDS_CRITICAL_ILLNESS' }); // 保险在先、救助在后
    return previewSlip(
      claim,
      key,
      own,
      ci?.find((c) => c.claimId === claim.claimId),
      assistance?.find((c) => c.claimId === claim.claimId),
      missing,
    );
  }
}

function previewSlip(
  claim: ClaimDto,
  key: { region: string; personId: string; year: number },
  basic: BasicDecidedClaim,
  ci: CriticalIllnessDecidedClaim | undefined,
  assistance: AssistanceDecidedClaim | undefined,
  missing: MissingPart[],
): PreviewSlip {
  const unlisted = new Set(basic.notInCatalogue ?? []);
  const slip: PreviewSlip = {
    claimId: claim.claimId,
    personId: key.personId,
    region: key.region,
    year: key.year,
    status: 'PREVIEW',
    total: basic.total,
    policyScope: basic.policyScope,
    outOfScope: basic.outOfScope ?? '0.00',
    deductiblePaid: basic.deductiblePaid ?? '0.00',
    notInCatalogue: (basic.outOfScopeItems ?? []).filter((i) => unlisted.has(i.code)).map((i) => ({ ...i, reason: 'NOT_IN_CATALOGUE' })),
    basic: basic.basic,
    missing,
  };
  if (ci) slip.criticalIllness = ci.criticalIllness;
  if (ci && assistance) {
    const total = money(basic.total);
    const paid = { basic: money(basic.basic), criticalIllness: money(ci.criticalIllness), assistance: money(assistance.assistance) };
    const selfPay = total.minus(paid.basic).minus(paid.criticalIllness).minus(paid.assistance);
    assertConservation({ claimId: claim.claimId, total, ...paid, selfPay });
    slip.assistance = assistance.assistance;
    slip.selfPay = print(selfPay);
  }
  return slip;
}
