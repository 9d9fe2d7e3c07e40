import { amount, FundContractDto, fundContractSchema, rate } from '@msb/contracts';
import { money } from '@msb/money';
import { Problem, validate, zodProblems } from '@msb/platform';
import { fundContractProblems } from '@msb/settlement';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A 大病 contract as PUT: its shape (fundContractSchema) and the seeds' floors (fundContractProblems:
 * funding ≥ 5%, profit cap ≤ 5%), every problem of both listed in one 400; nothing is recorded.
 * A floor is judged on each field that is valid on its own, so a contract wrong in both ways says both.
 */
export function validFundContract(body: unknown): FundContractDto {
  if (!isRecord(body)) return validate(fundContractSchema, body);
  const parsed = fundContractSchema.safeParse(body);
  const decimal = (key: 'fundingRate' | 'profitCapRate') => {
    const r = rate.safeParse(body[key]);
    return r.success ? money(r.data) : undefined;
  };
  const insured = fundContractSchema.shape.insured.safeParse(body.insured);
  const perCapita = amount.safeParse(body.perCapitaBasicFunding);
  const problems = [
    ...(parsed.success ? [] : zodProblems(parsed.error)),
    ...fundContractProblems({
      insured: insured.success ? insured.data : undefined,
      perCapitaBasicFunding: perCapita.success ? money(perCapita.data) : undefined,
      fundingRate: decimal('fundingRate'),
      profitCapRate: decimal('profitCapRate'),
    }),
  ];
  if (problems.length > 0 || !parsed.success)
    throw Problem.invalid(`The contract has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  return parsed.data;
}
