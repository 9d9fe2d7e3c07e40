import { performance } from 'node:perf_hooks';
import type { ClaimDto } from '@msb/contracts';
import { applyStep, demoPolicies, randomTag, TestSystem, workloadCatalogue, workloadCriticalIllnessCatalogue } from '@msb/testing';

/** The k-th of n outpatient-chronic claims of the person's year: service dates in order over the year. */
function chronicClaim(tag: string, region: string, personId: string, hospitalId: string, k: number, n: number): ClaimDto {
  const day = Math.floor((k * 360) / n);
  const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
  const amount = 300 + ((k * 37) % 500);
  return {
    claimId: `${tag}-C${String(k + 1).padStart(6, '0')}`,
    personId,
    region,
    hospital: { id: hospitalId },
    visitType: 'OUTPATIENT_CHRONIC',
    serviceDate: date,
    diagnosis: ['E11.9'],
    items: [
      { code: 'A-DRUGS', amount: (amount * 0.7).toFixed(2) },
      { code: 'B-TREATMENT', amount: (amount * 0.3).toFixed(2) },
    ],
  };
}

/**
 * A region-year with the demo policies of the three payers and the workload's catalogues (大病's
 * admits the negotiated drugs some claims list outside basic scope).
 */
export async function putDemoRegionYear(system: TestSystem, region: string, year: number): Promise<void> {
  await applyStep(system.clients, { op: 'putPolicy', region, year, ...demoPolicies() });
  await applyStep(system.clients, {
    op: 'putCatalogue',
    region,
    year,
    basic: workloadCatalogue(),
    criticalIllness: workloadCriticalIllnessCatalogue(),
  });
}

/**
 * ONE person's year on a region of its own (demo policies, catalogues, a hospital, 低保 so that
 * all three payers pay): n claims submitted one after the other, each waited for until its slip
 * is SETTLED; `each` hears every claim's POST → SETTLED milliseconds as it settles.
 */
export async function onePersonYear(
  system: TestSystem,
  n: number,
  each: (count: number, latencyMs: number, latenciesMs: number[], subject: string) => Promise<void> | void = () => undefined,
): Promise<{ subject: string; latenciesMs: number[] }> {
  const tag = `G${randomTag(4).toUpperCase()}`;
  const region = `610100${tag}`.slice(0, 12);
  const personId = `${tag}-P1`;
  const hospitalId = `${tag}-H11`;
  await putDemoRegionYear(system, region, 2024);
  await applyStep(system.clients, {
    op: 'putHospital',
    hospitalId,
    hospital: { name: 'Town Health Centre', level: 1, region, designated: true },
  });
  await applyStep(system.clients, {
    op: 'grantEligibility',
    grantId: `${tag}-G1`,
    personId,
    category: 'MINIMUM_LIVING',
    validFrom: '2024-01-01',
  });
  await system.caughtUp();
  const subject = `${region}:${personId}:2024`;
  const latenciesMs: number[] = [];
  for (let k = 0; k < n; k++) {
    const claim = chronicClaim(tag, region, personId, hospitalId, k, n);
    const sent = performance.now();
    await applyStep(system.clients, { op: 'submitClaim', claim });
    for (;;) {
      const slip = await system.clients.basic.get<{ status: string }>(`/claims/${claim.claimId}`);
      if (slip.body.status === 'SETTLED') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    latenciesMs.push(performance.now() - sent);
    await each(k + 1, latenciesMs[k], latenciesMs, subject);
  }
  return { subject, latenciesMs };
}
