import { WHAT_IF_SECTIONS, WhatIfSection } from '@msb/contracts';
import type { Role } from '@msb/platform';
import { FIGURES, Figure } from './what-if.fold';

/** The roles that may ask for a what-if, and the drafts each may send: an officer only its own agency's section. */
export const WHAT_IF_ROLES = ['auditor', 'basic-officer', 'insurer-officer', 'civil-affairs-officer'] as const satisfies readonly Role[];

const SECTIONS_OF: Record<(typeof WHAT_IF_ROLES)[number], readonly WhatIfSection[]> = {
  auditor: WHAT_IF_SECTIONS,
  'basic-officer': ['basic'],
  'insurer-officer': ['criticalIllness'],
  'civil-affairs-officer': ['assistance'],
};

/** The sections a role may draft (none for a role that may not ask). */
export function sectionsFor(role: Role): readonly WhatIfSection[] {
  return (SECTIONS_OF as Record<string, readonly WhatIfSection[] | undefined>)[role] ?? [];
}

/** The sections a body drafts that the role may not (a body that is not an object drafts none). */
export function refusedSections(role: Role, body: unknown): WhatIfSection[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const allowed = sectionsFor(role);
  return WHAT_IF_SECTIONS.filter((s) => (body as Record<string, unknown>)[s] !== undefined && !allowed.includes(s));
}

/**
 * The figures of one person a role is shown (PIPL art. 6, DATA-FLOWS.md): auditors and the
 * bureau all four (the slip shows every payer); the insurer what it receives per claim (basic's
 * and its own, no assistance, no total); civil affairs 大病's and its own.
 */
export function figuresShownTo(role: Role): readonly Figure[] {
  switch (role) {
    case 'auditor':
    case 'basic-officer':
      return FIGURES;
    case 'insurer-officer':
      return ['basic', 'criticalIllness'];
    case 'civil-affairs-officer':
      return ['criticalIllness', 'assistance'];
    default:
      return [];
  }
}
