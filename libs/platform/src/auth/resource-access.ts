import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../problem.details';
import { actsInRegion, Caller } from './principal';

/** The verified caller of the route being served (route-access.ts put it there). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<FastifyRequest>().caller;
  // unreachable on a declared, non-public route: the onRequest hook refused the request already
  if (!caller) throw Problem.forbidden('this route needs a verified caller');
  return caller;
});

/** An officer acting on a region named in the request: outside its regions is refused (403). */
export function requireRegion(caller: Caller, region: string): void {
  if (!actsInRegion(caller, region)) throw Problem.forbidden(`${caller.role} ${caller.subject} does not act in region ${region}`);
}

/** The owner and place of a claim, as its agency recorded them. */
export interface ClaimOwner {
  hospitalId: string;
  region: string;
}

/**
 * Whether a caller may see a claim: a hospital only its own (`hospital` claim = the claim's
 * hospital.id), an officer those of its regions. One that may not is told the claim does not
 * exist (404), so that nothing about another's claim leaks.
 */
export function maySeeClaim(caller: Caller, claim: ClaimOwner): boolean {
  return caller.role === 'hospital' ? caller.hospital === claim.hospitalId : actsInRegion(caller, claim.region);
}

/** A hospital writing a claim: the claim must be its own, by the body and by the record (403 otherwise). */
export function requireOwnHospital(caller: Caller, hospitalId: string, what: string): void {
  if (caller.role !== 'hospital' || caller.hospital !== hospitalId)
    throw Problem.forbidden(`${what} belongs to another hospital than ${caller.hospital ?? caller.subject}`);
}
