import { ClaimDto, claimSchema, REGISTRY_DECIDED_FIELDS } from '@msb/contracts';
import { Problem, validate } from '@msb/platform';

/** `/items/3/category`, `/hospital/level`: a field a hospital used to send and that the registries now decide. */
const DECIDED_ELSEWHERE = /^\/(?:items\/\d+\/(category|selfPayRatio|ciEligible)|hospital\/(level|inRegion))$/;

/**
 * A claim as a hospital sends it, validated: every problem listed (400). A field that the
 * bureau's catalogue or registry, or the insurer's catalogue, decides (a category, a B ratio,
 * `ciEligible`, the hospital's level or in-region) is refused with who decides it instead.
 */
export function validateClaim(body: unknown): ClaimDto {
  try {
    return validate(claimSchema, body);
  } catch (error) {
    if (!(error instanceof Problem) || !error.body.errors) throw error;
    const errors = error.body.errors.map((e) => {
      const m = DECIDED_ELSEWHERE.exec(e.path);
      const field = m?.[1] ?? m?.[2];
      return field ? { path: e.path, message: REGISTRY_DECIDED_FIELDS[field] } : e;
    });
    throw Problem.invalid(error.body.detail, errors);
  }
}
