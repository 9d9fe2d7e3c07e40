import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { basicDecidedClaimSchema, CriticalIllnessDecidedClaim, personYearRefSchema } from '@msb/contracts';
import { EligibilityStore, Problem, RUNTIME, ServiceRuntime, validate } from '@msb/platform';
import { print } from '@msb/money';
import { criticalIllnessBasis, decideCriticalIllnessPersonYear, effectiveTerms, NO_CATALOGUE } from '@msb/settlement';
import { z } from 'zod';
import { CriticalIllnessCatalogues } from '../catalogue/ci-catalogue.store';
import { CriticalIllnessPolicies } from '../policies/ci-policy.store';

export const previewRequestSchema = z.strictObject({
  personYear: personYearRefSchema,
  /** Basic's figures of every claim of the year as they would be with the previewed claim. */
  claims: z.array(basicDecidedClaimSchema).min(1).max(5000),
});

/**
 * POST /previews (试算): 大病's part of a settlement as it would be on basic's figures sent, with
 * 大病's own policy, catalogue and the person's windows in force now, with the person-year's annual
 * cap on them (null: none, e.g. lifted by the tilt). Only basic-insurance asks
 * (its service token); nothing is recorded or published.
 */
@Controller()
export class CriticalIllnessPreviewController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: CriticalIllnessPolicies,
    private readonly catalogues: CriticalIllnessCatalogues,
    private readonly eligibility: EligibilityStore,
  ) {}

  @Post('previews')
  @HttpCode(200)
  async preview(
    @Body() body: unknown,
  ): Promise<{ policyRevision: number; annualCap: string | null; claims: CriticalIllnessDecidedClaim[] }> {
    const { personYear, claims } = validate(previewRequestSchema, body);
    const { region, year, personId } = personYear;
    const [policy, catalogue, eligibility] = await Promise.all([
      this.policies.latest(this.runtime.db, region, year),
      this.catalogues.latest(this.runtime.db, region, year),
      this.eligibility.peek(this.runtime.db, personId),
    ]);
    if (!policy) throw Problem.notPayable(`there is no 大病 policy for region ${region} in ${year} yet`);
    const outcome = decideCriticalIllnessPersonYear(
      policy.terms,
      { revision: 0, claims: claims.map(criticalIllnessBasis) },
      eligibility,
      {},
      'INITIAL',
      catalogue ? { revision: catalogue.revision, covered: catalogue.terms } : NO_CATALOGUE,
    );
    // the person-year's cap on those figures: the tilt (倾斜) may lift it (noCap)
    const live = claims.filter((c) => c.status === 'LIVE');
    const cap = effectiveTerms(policy.terms, live, eligibility.windows).annualCap;
    return { policyRevision: policy.revision, annualCap: cap === undefined ? null : print(cap), claims: outcome.summary.claims };
  }
}
