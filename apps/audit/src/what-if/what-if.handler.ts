import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { WhatIfAnswerDto } from '@msb/contracts';
import { FieldProblem, Problem, recordAccesses, RUNTIME, ServiceRuntime } from '@msb/platform';
import { RegionYearFactsView } from './region-year-facts.view';
import { WhatIfTally } from './what-if.fold';
import { settleHere, settleInWorkers, workersFor } from './what-if.pool';
import { WhatIfQuery } from './what-if.query';
import { figuresShownTo } from './what-if.rules';
import type { WhatIfTerms } from './what-if.settler';

/**
 * A what-if (精准测算): the region-year read from the log person by person, each person-year
 * settled with the policies in force and with the drafts in one pass (in worker threads where
 * there are cores for them), folded into sums. `current` is the same rules replayed on the
 * policies, catalogues, registry and windows in force, which is what the payers have paid once
 * they have caught up. Nothing is stored, nothing published; the persons shown among the largest
 * changes are recorded in the access log before the answer leaves.
 */
@QueryHandler(WhatIfQuery)
export class WhatIfHandler implements IQueryHandler<WhatIfQuery, WhatIfAnswerDto> {
  private readonly view: RegionYearFactsView;
  private readonly workers = workersFor();

  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {
    this.view = new RegionYearFactsView(runtime.db);
  }

  async execute({ request, caller, correlationId }: WhatIfQuery): Promise<WhatIfAnswerDto> {
    const started = performance.now();
    const { region, year } = request;
    const shown = figuresShownTo(caller.role);
    const settled = await this.view.read(region, year, async (inForce, personYears) => {
      const missing: FieldProblem[] = [];
      // no basic policy or catalogue: basic took no claim of the region-year, so there is nothing to replay
      if (!inForce.basic) missing.push({ path: '/region', message: `no basic policy is in force for ${region}/${year}` });
      if (!inForce.catalogue) missing.push({ path: '/region', message: `no basic catalogue is in force for ${region}/${year}` });
      if (!inForce.basic || !inForce.catalogue) throw Problem.notPayable(`${region}/${year} has no claims to replay`, missing);
      const terms: WhatIfTerms = {
        inForce: { basic: inForce.basic.dto, criticalIllness: inForce.criticalIllness?.dto, assistance: inForce.assistance?.dto },
        drafts: { basic: request.basic, criticalIllness: request.criticalIllness, assistance: request.assistance },
        catalogue: inForce.catalogue.dto,
        criticalIllnessCatalogue: inForce.criticalIllnessCatalogue?.dto ?? { covered: [] },
        hospitals: [...inForce.hospitals],
        shown,
      };
      return this.workers > 0 ? settleInWorkers(terms, personYears, this.workers) : settleHere(terms, personYears);
    });
    const tally = new WhatIfTally(shown);
    for (const part of settled) tally.absorb(part.tally);
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
    const notReplayed = settled.reduce((n, part) => n + part.notReplayed, 0);
    return { region, year, ...figures, notReplayed, elapsedMs: Math.round(performance.now() - started) };
  }
}
