import { FhirIssue, FhirValidation, validateFhir } from '@msb/testing';
import { EXAMPLES, inpatientSettled } from './explanation-of-benefit.examples';
import { explanationOfBenefit } from './explanation-of-benefit.mapper';

/**
 * The ExplanationOfBenefit against the base FHIR R4 specification, with HAPI FHIR's validator
 * offline (tools/fhir-validator): every mapped claim has no error. One JVM validates them all,
 * with a broken resource among them to show that the validator does find errors.
 */

const examples = Object.entries(EXAMPLES);
const broken = { ...explanationOfBenefit(inpatientSettled), status: 'bogus' };

/** Advice we accept: our own code systems (and ICD-10) are unknown offline; no narrative (dom-6). */
function acceptedWarning(w: FhirIssue): boolean {
  const unknownSystem = /CodeSystem is unknown and can't be validated: (urn:msb:[a-z-]+|http:\/\/hl7\.org\/fhir\/sid\/icd-10) /.test(
    w.message,
  );
  return unknownSystem || w.messageId === 'http://hl7.org/fhir/StructureDefinition/DomainResource#dom-6';
}

const show = (issues: FhirIssue[]) => issues.map((i) => `${i.location}: ${i.message}`);

describe('the ExplanationOfBenefit is valid FHIR R4', () => {
  let results: FhirValidation[];

  beforeAll(async () => {
    results = await validateFhir([...examples.map(([, input]) => explanationOfBenefit(input)), broken]);
  }, 600_000); // the first run builds the validator, downloading HAPI FHIR into ~/.m2

  it.each(examples.map(([name], i) => [name, i] as const))('%s has no errors', (_, i) => {
    expect(show(results[i].errors)).toEqual([]);
    expect(show(results[i].warnings.filter((w) => !acceptedWarning(w)))).toEqual([]);
  });

  it('a resource with status "bogus" has an error there', () => {
    const { errors } = results[examples.length];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.location)).toContain('ExplanationOfBenefit.status');
  });
});
