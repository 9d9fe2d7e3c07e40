import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.path';

/** One message of the HAPI FHIR validator. */
export interface FhirIssue {
  location: string;
  message: string;
  messageId?: string;
}

/** What the validator says of one resource: errors must be none; warnings are advice. */
export interface FhirValidation {
  file: string;
  index: number;
  errors: FhirIssue[];
  warnings: FhirIssue[];
}

const validatorDir = () => join(repoRoot(), 'tools/fhir-validator');
const SOURCES = ['pom.xml', 'src/main/java/org/msb/fhir/ValidateResources.java', 'src/main/resources/simplelogger.properties'];

/**
 * The runnable jar of tools/fhir-validator, built with Maven when it is missing or older than
 * its sources (the first build downloads HAPI FHIR into ~/.m2, later ones reuse it).
 */
export function fhirValidatorJar(): string {
  const dir = validatorDir();
  const jar = join(dir, 'target/fhir-validator.jar');
  const built = existsSync(jar) ? statSync(jar).mtimeMs : 0;
  if (SOURCES.some((f) => statSync(join(dir, f)).mtimeMs > built)) {
    const r = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: dir, encoding: 'utf8', timeout: 15 * 60_000 });
    if (r.error || r.status !== 0) {
      throw new Error(`building the FHIR validator failed (mvn ${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
    }
  }
  return jar;
}

/**
 * Validates FHIR R4 resources against the base specification, offline, all in one JVM (its
 * start and the loading of the R4 definitions take most of the time): one answer per
 * resource, in order.
 */
export async function validateFhir(resources: readonly unknown[]): Promise<FhirValidation[]> {
  if (resources.length === 0) return [];
  const jar = fhirValidatorJar();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(java, ['-jar', jar], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    child.stdin.end(JSON.stringify(resources));
  });
  // 0: no errors, 1: some resource has errors; anything else means it did not validate
  if (code !== 0 && code !== 1) throw new Error(`the FHIR validator failed (exit ${code}):\n${stderr}`);
  const results = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FhirValidation);
  if (results.length !== resources.length) {
    throw new Error(`the FHIR validator answered ${results.length} of ${resources.length} resources:\n${stderr}`);
  }
  return results.sort((a, b) => a.index - b.index);
}
