import { z } from 'zod';

/** An error message that says "is required" when the value is missing, `otherwise` when it has the wrong type. */
export const required = (otherwise: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : otherwise);

/** Money on the wire: a string with at most two decimals, never negative, never a JSON number. */
export const amount = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string such as "1234.50"') })
  .regex(
    /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/,
    'must be a non-negative amount with at most two decimals and at most 12 integer digits, e.g. "1234.50"',
  );

/** A rate or share between 0 and 1 on the wire: "0.70". */
export const rate = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string such as "0.70"') })
  .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'must be a decimal between 0 and 1 with at most six decimals, e.g. "0.70"');

/** A multiplier such as a deductible factor: "0.5", "1.5". */
export const factor = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string such as "0.5"') })
  .regex(/^(0|[1-9]\d?)(\.\d{1,6})?$/, 'must be a non-negative decimal below 100 with at most six decimals, e.g. "0.5"');

function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A calendar date YYYY-MM-DD that exists (no 2023-02-30), years 1900–2199. */
export const isoDate = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a date string YYYY-MM-DD') })
  .regex(/^(19|20|21)\d\d-\d\d-\d\d$/, 'must be a date YYYY-MM-DD')
  .refine(isRealDate, 'is not a calendar date');

/** Identifiers chosen by the caller: claim, person, grant, hospital ids. No ':' or '|', which we use in keys. */
export const identifier = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-", starting with a letter or digit');

/** 参保地: the pooling region, e.g. the 6-digit administrative code "440300". */
export const regionCode = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .regex(/^[A-Za-z0-9]{2,12}$/, 'must be 2 to 12 letters or digits, e.g. "440300"');

export const policyYear = z
  .number({ error: required('must be a year such as 2024') })
  .int('must be a whole year')
  .min(1900, 'must be 1900 or later')
  .max(2199, 'must be 2199 or earlier');

/** ICD-10 code: a letter, two digits, optionally a dot and up to four more characters. */
export const icd10 = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/, 'must be an ICD-10 code such as "C34.9"');

export const reasonText = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters');
