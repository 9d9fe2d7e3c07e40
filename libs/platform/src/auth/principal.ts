/**
 * Who calls: the verified claims of a bearer token. Roles belong to agencies, and a token's
 * roles count only when its issuer speaks for their agency (token.verifier.ts checks that).
 */
export const ROLES = [
  'hospital',
  'basic-officer',
  'insurer-officer',
  'civil-affairs-officer',
  'auditor',
  'operator',
  'monitor',
  'settlement-service',
] as const;
export type Role = (typeof ROLES)[number];

export const AGENCIES = ['medical-insurance-bureau', 'insurer', 'civil-affairs', 'audit'] as const;
export type Agency = (typeof AGENCIES)[number];

/**
 * The agency each role acts for: hospitals and basic officers for the 医保局, the 大病 insurer's
 * officers for the insurer (承办机构), assistance officers for 民政局, auditors for audit. An
 * operator runs the machines of any agency, so any trusted issuer may name one; so may a
 * monitor, the read-only identity a metrics scraper (Prometheus) uses: /metrics and nothing else.
 */
export const ROLE_AGENCY: Record<Role, Agency | 'any'> = {
  hospital: 'medical-insurance-bureau',
  'basic-officer': 'medical-insurance-bureau',
  'insurer-officer': 'insurer',
  'civil-affairs-officer': 'civil-affairs',
  auditor: 'audit',
  operator: 'any',
  monitor: 'any',
  // basic-insurance itself, asking 大病 and assistance for their parts of a preview (试算)
  'settlement-service': 'medical-insurance-bureau',
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export interface Principal {
  issuer: string;
  subject: string;
  /** Every role the token carries that this system knows and its issuer speaks for. */
  roles: Role[];
  /** A hospital's own id (the `hospital` claim); present whenever `roles` has `hospital`. */
  hospital?: string;
  /** The regions an officer acts in; undefined: every region. */
  regions?: string[];
  /** Seconds since the epoch after which the token is void. */
  expiresAt: number;
}

/** A principal allowed on the route it called, with the one role it acts in there. */
export interface Caller extends Principal {
  role: Role;
}

/** Whether an officer may act on a region (an officer without `regions` acts in every region). */
export function actsInRegion(principal: Pick<Principal, 'regions'>, region: string): boolean {
  return principal.regions === undefined || principal.regions.includes(region);
}
