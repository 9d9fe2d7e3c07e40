import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { WhatIfAnswerDto } from '@msb/contracts';
import { FieldProblem, Problem, recordAccesses, RUNTIME, ServiceRuntime } from '@msb/platform';
import {
  assistancePolicyFromWire,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  hospitalFromWire,
  PoliciesInForce,
} from '@msb/settlement';
import { RegionYearFactsView } from './region-year-facts.view';
import { addPersonYear, UnknownHospital, WhatIfTally } from './what-if.fold';
import { WhatIfQuery } from './what-if.query';
import { figuresShownTo } from './what-if.rules';

/**
 * A what-if (精准测算): the region-year read from the log person by person, each person-year
 * settled with the policies in force and with the drafts in one pass, folded into sums. `current`
 * is the same rules replayed on the policies, catalogues, registry and windows in force, which is
 * what the payers have paid once they have caught up. Nothing is stored, nothing published; the
 * persons shown among the largest changes are recorded in the access log before the answer leaves.
 */
@QueryHandler(WhatIfQuery)
export class WhatIfHandler implements IQueryHandler<WhatIfQuery, WhatIfAnswerDto> {
  private readonly view: RegionYearFactsView;

  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {
    this.view = new RegionYearFactsView(runtime.db);
  }

  async execute({ request, caller, correlationId }: WhatIfQuery): Promise<WhatIfAnswerDto> {
    const started = performance.now();
    const { region, year } = request;
    const tally = new WhatIfTally(figuresShownTo(caller.role));
    let notReplayed = 0;
    await this.view.read(region, year, async (inForce, personYears) => {
      const missing: FieldProblem[] = [];
      // no basic policy or catalogue: basic took no claim of the region-year, so there is nothing to replay
      if (!inForce.basic) missing.push({ path: '/region', message: `no basic policy is in force for ${region}/${year}` });
      if (!inForce.catalogue) missing.push({ path: '/region', message: `no basic catalogue is in force for ${region}/${year}` });
      if (!inForce.basic || !inForce.catalogue) throw Problem.notPayable(`${region}/${year} has no claims to replay`, missing);
      const current: PoliciesInForce = {
        basic: basicPolicyFromWire(inForce.basic.dto),
        // a payer without a policy pays nothing yet (it parks): so in `current`, and in `draft` unless drafted
        criticalIllness: inForce.criticalIllness && criticalIllnessPolicyFromWire(inForce.criticalIllness.dto),
        assistance: inForce.assistance && assistancePolicyFromWire(inForce.assistance.dto),
        criticalIllnessCatalogue: criticalIllnessCatalogueFromWire(inForce.criticalIllnessCatalogue?.dto ?? { covered: [] }),
      };
      const drafted = request.basic !== undefined || request.criticalIllness !== undefined || request.assistance !== undefined;
      const draft: PoliciesInForce = !drafted
        ? current
        : {
            ...current,
            ...(request.basic ? { basic: basicPolicyFromWire(request.basic) } : {}),
            ...(request.criticalIllness ? { criticalIllness: criticalIllnessPolicyFromWire(request.criticalIllness) } : {}),
            ...(request.assistance ? { assistance: assistancePolicyFromWire(request.assistance) } : {}),
          };
      const terms = {
        catalogue: basicCatalogueFromWire(inForce.catalogue.dto),
        hospitals: new Map([...inForce.hospitals].map(([id, record]) => [id, hospitalFromWire(record)])),
      };
      for await (const batch of personYears) {
        for (const personYear of batch) {
          try {
            addPersonYear(tally, { current, draft }, terms, personYear);
          } catch (error) {
            // the log lacks the registry record of a claim's hospital: that person-year cannot be replayed
            if (!(error instanceof UnknownHospital)) throw error;
            notReplayed += 1;
          }
        }
      }
    });
    const figures = tally.result();
    await recordAccesses(
      this.runtime.db,
      caller,
      figures.largestChanges.map((c) => ({
        action: 'POST /what-ifs',
        resource: `what-if:${region}/${c.personId}/${year}`,
        personId: c.personId,
        correlationId,
      })),
    );
    return { region, year, ...figures, notReplayed, elapsedMs: Math.round(performance.now() - started) };
  }
}
