import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario, scenarioSchema, ScenarioStep } from '@msb/contracts';
import { HttpResult, ServiceClient, SystemClients } from './http.client';
import { repoRoot } from './repo-root.path';

export { repoRoot };

export const SCENARIO_DIR = join(repoRoot(), 'scenarios');

export function loadScenario(file: string): Scenario {
  return scenarioSchema.parse(JSON.parse(readFileSync(join(SCENARIO_DIR, file), 'utf8')));
}

export function scenarioFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/**
 * Fresh ids for one run of a scenario: claim, person, grant and hospital ids get a suffix and
 * every region its own code (a hospital's registered region too, so that in-region stays
 * in-region), so that runs never share a person-year, a region-year's policy or catalogue, or
 * a hospital's record.
 */
export class IdMap {
  private readonly regions = new Map<string, string>();
  constructor(readonly tag: string) {}
  claim = (id: string) => `${id}-${this.tag}`;
  person = (id: string) => `${id}-${this.tag}`;
  grant = (id: string) => `${id}-${this.tag}`;
  hospital = (id: string) => `${id}-${this.tag}`;
  region = (code: string) => {
    let mapped = this.regions.get(code);
    if (!mapped) this.regions.set(code, (mapped = `${code.slice(0, 6)}${this.tag}`.slice(0, 12)));
    return mapped;
  };
  personYear = (key: string) => {
    const [region, person, year] = key.split('|');
    return `${this.region(region)}|${this.person(person)}|${year}`;
  };
}

export function randomTag(length = 5): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  let tag = '';
  for (let i = 0; i < length; i++) tag += alphabet[Math.floor(Math.random() * alphabet.length)];
  return tag;
}

/** A step with its ids mapped. */
export function mapStep(step: ScenarioStep, ids: IdMap): ScenarioStep {
  switch (step.op) {
    case 'putPolicy':
    case 'putCatalogue':
      return { ...step, region: ids.region(step.region) };
    case 'putHospital':
      return {
        ...step,
        hospitalId: ids.hospital(step.hospitalId),
        hospital: { ...step.hospital, region: ids.region(step.hospital.region) },
      };
    case 'submitClaim':
    case 'correctClaim':
      return {
        ...step,
        claim: {
          ...step.claim,
          claimId: ids.claim(step.claim.claimId),
          personId: ids.person(step.claim.personId),
          region: ids.region(step.claim.region),
          hospital: { ...step.claim.hospital, id: ids.hospital(step.claim.hospital.id) },
        },
      };
    case 'reverseClaim':
      return { ...step, claimId: ids.claim(step.claimId) };
    case 'grantEligibility':
      return { ...step, grantId: ids.grant(step.grantId), personId: ids.person(step.personId) };
    case 'revokeEligibility':
      return { ...step, grantId: ids.grant(step.grantId) };
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
}

function expectStatus(result: HttpResult, ok: number[], what: string): void {
  if (!ok.includes(result.status)) throw new Error(`${what} answered ${result.status}: ${JSON.stringify(result.body)}`);
}

/** The hospital each claim was submitted by: only it may correct or reverse the claim. */
const hospitalOfClaim = new Map<string, string>();

/** The client of basic-insurance as the hospital of a claim (its token's `hospital` claim). */
export function asHospital(clients: SystemClients, hospital: string): ServiceClient {
  return clients.basic.as({ role: 'hospital', hospital });
}

function claimHospital(claimId: string): string {
  const hospital = hospitalOfClaim.get(claimId);
  if (hospital === undefined) throw new Error(`claim ${claimId} was not submitted through applyStep: its hospital is not known`);
  return hospital;
}

/**
 * One step as the API calls of API.md "Driving a scenario file": claims as their hospital,
 * policies as each payer's officer, the bureau's catalogue and hospital registry as the basic
 * officer, 大病's catalogue as the insurer's officer, grants as the civil-affairs officer.
 */
export async function applyStep(clients: SystemClients, step: ScenarioStep): Promise<void> {
  switch (step.op) {
    case 'putPolicy': {
      const path = `/policies/${step.region}/${step.year}`;
      const sections: [ServiceClient, unknown][] = [
        [clients.basic, step.basic],
        [clients.criticalIllness, step.criticalIllness],
        [clients.assistance, step.assistance],
      ];
      for (const [client, section] of sections)
        if (section !== undefined) expectStatus(await client.put(path, section), [200], `PUT ${path}`);
      return;
    }
    case 'putCatalogue': {
      const path = `/catalogue/${step.region}/${step.year}`;
      if (step.basic !== undefined) expectStatus(await clients.basic.put(path, step.basic), [200], `PUT ${path} on basic-insurance`);
      if (step.criticalIllness !== undefined)
        expectStatus(await clients.criticalIllness.put(path, step.criticalIllness), [200], `PUT ${path} on critical-illness`);
      return;
    }
    case 'putHospital':
      return expectStatus(
        await clients.basic.put(`/hospitals/${step.hospitalId}`, step.hospital),
        [200],
        `PUT /hospitals/${step.hospitalId}`,
      );
    case 'submitClaim':
      hospitalOfClaim.set(step.claim.claimId, step.claim.hospital.id);
      return expectStatus(
        await asHospital(clients, step.claim.hospital.id).post('/claims', step.claim),
        [202],
        `POST /claims ${step.claim.claimId}`,
      );
    case 'correctClaim':
      return expectStatus(
        await asHospital(clients, claimHospital(step.claim.claimId)).put(`/claims/${step.claim.claimId}`, step.claim),
        [202],
        `PUT /claims/${step.claim.claimId}`,
      );
    case 'reverseClaim':
      return expectStatus(
        await asHospital(clients, claimHospital(step.claimId)).post(`/claims/${step.claimId}/reversal`, {
          reason: step.reason ?? 'reversed by the scenario',
        }),
        [202],
        `reversal of ${step.claimId}`,
      );
    case 'grantEligibility': {
      const { op: _op, ...grant } = step;
      return expectStatus(await clients.assistance.post('/eligibility', grant), [201], `POST /eligibility ${step.grantId}`);
    }
    case 'revokeEligibility':
      return expectStatus(
        await clients.assistance.post(`/eligibility/${step.grantId}/revocation`, { reason: step.reason ?? 'revoked by the scenario' }),
        [200],
        `revocation of ${step.grantId}`,
      );
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
}

export interface Observed {
  claims: Record<string, Record<string, unknown>>;
  personYears: Record<string, Record<string, unknown>>;
}

/** What the running system shows for the scenario's claims and person-years, in the shape of `expected`. */
export async function observe(clients: SystemClients, scenario: Scenario, ids: IdMap): Promise<Observed> {
  const claims: Observed['claims'] = {};
  for (const [claimId, expected] of Object.entries(scenario.expected.claims)) {
    const slip = await clients.basic.get<Record<string, unknown>>(`/claims/${ids.claim(claimId)}`);
    const picked: Record<string, unknown> = {};
    for (const field of Object.keys(expected)) picked[field] = slip.body?.[field];
    claims[claimId] = picked;
  }
  const personYears: Observed['personYears'] = {};
  for (const key of Object.keys(scenario.expected.personYears)) {
    const [region, person, year] = ids.personYear(key).split('|');
    const path = `/ledgers/${region}/${person}/${year}`;
    const [basic, ci, assistance] = await Promise.all([
      clients.basic.get<Record<string, unknown>>(path),
      clients.criticalIllness.get<Record<string, unknown>>(path),
      clients.assistance.get<Record<string, unknown>>(path),
    ]);
    personYears[key] = {
      basic: basic.body?.basic,
      criticalIllness: basic.body?.criticalIllness,
      assistance: basic.body?.assistance,
      total: basic.body?.total,
      selfPay: basic.body?.selfPay,
      tilted: ci.body?.tilted,
      assistanceCategory: assistance.body?.category ?? null,
    };
  }
  return { claims, personYears };
}
