import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isInfrastructureError } from '@msb/eventing';

export interface FieldProblem {
  path: string;
  message: string;
}

/** RFC 9457 problem details, the one error shape of every service. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class Problem extends Error {
  constructor(readonly body: ProblemDetails) {
    super(body.detail);
    this.name = 'Problem';
  }

  static invalid(detail: string, errors: FieldProblem[]): Problem {
    return new Problem({ type: '/problems/invalid-request', title: 'The request is not valid', status: 400, detail, errors });
  }
  /** A valid token without the right to this action or resource (a refused read of another's resource is notFound). */
  static forbidden(detail: string): Problem {
    return new Problem({ type: '/problems/forbidden', title: 'Not allowed for this caller', status: 403, detail });
  }
  static notFound(detail: string): Problem {
    return new Problem({ type: '/problems/not-found', title: 'Not found', status: 404, detail });
  }
  static conflict(detail: string, errors?: FieldProblem[]): Problem {
    return new Problem({
      type: '/problems/conflict',
      title: 'Conflict with the current state',
      status: 409,
      detail,
      ...(errors ? { errors } : {}),
    });
  }
  static notPayable(detail: string, errors?: FieldProblem[]): Problem {
    return new Problem({
      type: '/problems/not-payable',
      title: 'Valid but not payable',
      status: 422,
      detail,
      ...(errors ? { errors } : {}),
    });
  }
  static unavailable(detail: string): Problem {
    return new Problem({ type: '/problems/unavailable', title: 'Service unavailable', status: 503, detail });
  }
}

/** zod's default wording made plain: "Invalid input: expected object, received undefined" → "is required". */
function plain(message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return message;
  return m[2] === 'undefined' ? 'is required' : `must be ${/^[aeiou]/.test(m[1]) ? 'an' : 'a'} ${m[1]}, not ${m[2]}`;
}

/** A JSON Pointer (RFC 6901) to the offending value: "/items/0/amount". */
export function pointer(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '/' : '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export function zodProblems(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors) && issue.errors.length > 0) {
      // report the branch that got furthest rather than "invalid input"
      out.push({ path: pointer(issue.path), message: issue.message });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pointer([...issue.path, key]), message: 'is not a known field' });
      continue;
    }
    out.push({ path: pointer(issue.path), message: plain(issue.message) });
  }
  return out;
}

/** Validate a request part; every problem is listed, nothing is changed. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  if (value === undefined || value === null) {
    throw Problem.invalid(`The ${what} is missing: send a JSON object`, [{ path: '/', message: 'is required' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = zodProblems(parsed.error);
    throw Problem.invalid(`The ${what} has ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
  }
  return parsed.data;
}

const malformedJson = (detail: string): ProblemDetails => ({
  type: '/problems/malformed-json',
  title: 'The body is not valid JSON',
  status: 400,
  detail,
  errors: [{ path: '/', message: detail }],
});

function fromHttpException(e: HttpException): ProblemDetails {
  const status = e.getStatus();
  const response = e.getResponse() as { message?: unknown } | string;
  const message =
    typeof response === 'string'
      ? response
      : Array.isArray(response.message)
        ? response.message.join('; ')
        : String(response.message ?? e.message);
  if (status === 400 && /JSON/.test(message)) return malformedJson(message);
  const title = HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase() ?? 'error';
  return {
    type: status === 404 ? '/problems/not-found' : `/problems/http-${status}`,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    status,
    detail: message,
  };
}

/** Errors raised by Fastify before a route runs: malformed JSON, oversized bodies, wrong media type. */
export function fastifyErrorProblem(error: { statusCode?: number; code?: string; message: string }): ProblemDetails | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedJson(error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { type: '/problems/payload-too-large', title: 'The body is too large', status: 413, detail: error.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { type: '/problems/unsupported-media-type', title: 'Send application/json', status: 415, detail: error.message };
    default:
      if (error instanceof SyntaxError || /JSON/.test(error.message)) return malformedJson(error.message);
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return { type: `/problems/http-${error.statusCode}`, title: 'Bad request', status: error.statusCode, detail: error.message };
      }
      return undefined;
  }
}

export function toProblem(exception: unknown, log?: Logger): ProblemDetails {
  if (exception instanceof Problem) return exception.body;
  if (isInfrastructureError(exception)) {
    log?.warn({ err: exception }, 'database unavailable');
    return {
      type: '/problems/unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'The database is not reachable at the moment; nothing was recorded. Retry shortly.',
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  const fromFastify = fastifyErrorProblem(exception as { statusCode?: number; code?: string; message: string });
  if (fromFastify) return fromFastify;
  log?.error({ err: exception }, 'unhandled error');
  return {
    type: '/problems/internal',
    title: 'Internal error',
    status: 500,
    detail: 'The request could not be completed; it has been logged.',
  };
}

/** Every problem names the request it answers (`requestId`, as in X-Request-Id and the access log). */
export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  const requestId = reply.request?.id;
  const body = requestId && problem.requestId === undefined ? { ...problem, requestId } : problem;
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendProblem(reply, toProblem(exception, this.log));
  }
}
