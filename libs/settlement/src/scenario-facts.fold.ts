import type { ScenarioStep } from '@msb/contracts';
import type { Fact } from './facts.fold';
import {
  assistancePolicyFromWire,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  hospitalFromWire,
} from './wire.mapping';

/**
 * The facts a sequence of scenario steps establishes. Claim versions are counted per
 * claim in step order (a correction is the next version), as the services count them.
 */
export function factsFromSteps(steps: readonly ScenarioStep[]): Fact[] {
  const versions = new Map<string, number>();
  return steps.map((step): Fact => {
    switch (step.op) {
      case 'putPolicy':
        return {
          type: 'PolicyPut',
          region: step.region,
          year: step.year,
          basic: step.basic && basicPolicyFromWire(step.basic),
          criticalIllness: step.criticalIllness && criticalIllnessPolicyFromWire(step.criticalIllness),
          assistance: step.assistance && assistancePolicyFromWire(step.assistance),
        };
      case 'putCatalogue':
        return {
          type: 'CataloguePut',
          region: step.region,
          year: step.year,
          basic: step.basic && basicCatalogueFromWire(step.basic),
          criticalIllness: step.criticalIllness && criticalIllnessCatalogueFromWire(step.criticalIllness),
        };
      case 'putHospital':
        return { type: 'HospitalPut', hospitalId: step.hospitalId, hospital: hospitalFromWire(step.hospital) };
      case 'submitClaim':
        versions.set(step.claim.claimId, 1);
        return { type: 'ClaimSubmitted', claim: step.claim, version: 1 };
      case 'correctClaim': {
        const version = (versions.get(step.claim.claimId) ?? 1) + 1;
        versions.set(step.claim.claimId, version);
        return { type: 'ClaimCorrected', claim: step.claim, version };
      }
      case 'reverseClaim':
        return { type: 'ClaimReversed', claimId: step.claimId };
      case 'grantEligibility':
        return {
          type: 'EligibilityGranted',
          grant: {
            grantId: step.grantId,
            personId: step.personId,
            category: step.category,
            validFrom: step.validFrom,
            validTo: step.validTo,
            revoked: false,
          },
        };
      case 'revokeEligibility':
        return { type: 'EligibilityRevoked', grantId: step.grantId };
      default: {
        const unknown: never = step;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  });
}
