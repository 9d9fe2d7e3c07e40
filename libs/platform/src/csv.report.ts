import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';

type Row = Record<string, string>;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTable = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.length > 0 && v.every(isRecord);

/** Nested objects become dotted columns (`adjustments.topUps`); a list of plain values is joined by spaces. */
function flatten(value: Record<string, unknown>, prefix = '', into: Row = {}): Row {
  for (const [key, v] of Object.entries(value)) {
    const column = prefix ? `${prefix}.${key}` : key;
    if (isRecord(v)) flatten(v, column, into);
    else if (Array.isArray(v)) into[column] = v.every((x) => !isRecord(x) && !Array.isArray(x)) ? v.join(' ') : JSON.stringify(v);
    else into[column] = v === null || v === undefined ? '' : String(v);
  }
  return into;
}

/**
 * A report as one table: a list is its rows; an object's first list of objects (its lines) gives the
 * rows, each carrying the report's other fields (region, year, …) in front; any other object is one row.
 */
export function reportRows(report: unknown): Row[] {
  if (Array.isArray(report)) return report.map((r) => (isRecord(r) ? flatten(r) : { value: String(r) }));
  if (!isRecord(report)) return [{ value: report === null || report === undefined ? '' : String(report) }];
  const tableKey = Object.keys(report).find((k) => isTable(report[k]));
  if (tableKey === undefined) return [flatten(report)];
  const { [tableKey]: table, ...rest } = report;
  const head = flatten(rest);
  return (table as Record<string, unknown>[]).map((line) => ({ ...head, ...flatten(line, tableKey) }));
}

const NUMBER = /^-?\d+(\.\d+)?$/;
/**
 * One field of RFC 4180: quoted when it holds a comma, quote or line break. A text that a spreadsheet
 * would run as a formula (=, +, -, @ first; CSV injection) is prefixed with ' — never an amount such as -14000.00.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A report as CSV (RFC 4180): a header row of every column in order of first appearance, CRLF line ends. */
export function reportCsv(report: unknown): string {
  const rows = reportRows(report);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const c of Object.keys(row))
      if (!seen.has(c)) {
        seen.add(c);
        columns.push(c);
      }
  const lines = [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))];
  return lines.map((l) => `${l.map(csvField).join(',')}\r\n`).join('');
}

/** Whether the caller asked for CSV (`Accept: text/csv`). */
export const wantsCsv = (accept: string | undefined): boolean => accept !== undefined && /\btext\/csv\b/i.test(accept);

/** Answers a report route as CSV when the caller's Accept asks for text/csv, as JSON otherwise. */
@Injectable()
export class CsvReportInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    void reply.header('vary', 'Accept');
    if (!wantsCsv(http.getRequest<FastifyRequest>().headers.accept)) return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        void reply.header('content-type', 'text/csv; charset=utf-8');
        return reportCsv(body);
      }),
    );
  }
}

/** A report route: JSON, or CSV with `Accept: text/csv` (every report offers both). */
export const CsvReport = (): MethodDecorator & ClassDecorator => applyDecorators(UseInterceptors(CsvReportInterceptor));
