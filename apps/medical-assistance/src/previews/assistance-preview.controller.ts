import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { AssistanceDecidedClaim, criticalIllnessDecidedClaimSchema, personYearRefSchema } from '@msb/contracts';
import { EligibilityStore, Problem, RUNTIME, ServiceRuntime, validate } from '@msb/platform';
import { print } from '@msb/money';
import { decideAssistancePersonYear } from '@msb/settlement';
import { z } from 'zod';
import { AssistancePolicies } from '../policies/assistance-policy.store';

export const previewRequestSchema = z.strictObject({
  personYear: personYearRefSchema,
  /** 大病's figures of every claim of the year as they would be with the previewed claim. */
  claims: z.array(criticalIllnessDecidedClaimSchema).min(1).max(5000),
});

/**
 * POST /previews (试算): assistance's part of a settlement on what both insurances would leave
 * (保险在先、救助在后), with civil affairs' own policy and the person's grants in force now, with
 * the annual cap of the year's category. Only
 * basic-insurance asks (its service token); nothing is recorded or published.
 */
@Controller()
export class AssistancePreviewController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: AssistancePolicies,
    private readonly eligibility: EligibilityStore,
  ) {}

  @Post('previews')
  @HttpCode(200)
  async preview(@Body() body: unknown): Promise<{ policyRevision: number; annualCap: string | null; claims: AssistanceDecidedClaim[] }> {
    const { personYear, claims } = validate(previewRequestSchema, body);
    const { region, year, personId } = personYear;
    const [policy, eligibility] = await Promise.all([
      this.policies.latest(this.runtime.db, region, year),
      this.eligibility.peek(this.runtime.db, personId),
    ]);
    if (!policy) throw Problem.notPayable(`there is no assistance policy for region ${region} in ${year} yet`);
    const outcome = decideAssistancePersonYear(policy.terms, { revision: 0, basicRevision: 0, claims }, eligibility, {}, 'INITIAL');
    // the cap of the year's category (null: no category, or one without a cap)
    const category = outcome.summary.category;
    const cap = category ? policy.terms.categories[category]?.annualCap : undefined;
    return { policyRevision: policy.revision, annualCap: cap === undefined ? null : print(cap), claims: outcome.summary.claims };
  }
}
