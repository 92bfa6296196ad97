/**
 * Errors the API answers with, in Taskcluster's shape `{code, message, requestInfo}`.
 * The core throws these; the HTTP layer maps `statusCode` and `code` onto the response.
 */
export type ErrorCode =
  | 'InputError'
  | 'InputValidationError'
  | 'MalformedPayload'
  | 'AuthenticationFailed'
  | 'InsufficientScopes'
  | 'ResourceNotFound'
  | 'RequestConflict'
  | 'PayloadTooLarge'
  | 'TooManyRequests'
  | 'MethodNotAllowed'
  | 'InternalServerError';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  InputError: 400,
  InputValidationError: 400,
  MalformedPayload: 400,
  AuthenticationFailed: 401,
  InsufficientScopes: 403,
  ResourceNotFound: 404,
  MethodNotAllowed: 405,
  RequestConflict: 409,
  PayloadTooLarge: 413,
  TooManyRequests: 429,
  InternalServerError: 500,
};

export class HooklineError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HooklineError';
    this.code = code;
    this.statusCode = STATUS_BY_CODE[code];
    this.details = details;
  }
}

export const inputError = (message: string, details?: Record<string, unknown>) =>
  new HooklineError('InputError', message, details);
export const validationError = (message: string, details?: Record<string, unknown>) =>
  new HooklineError('InputValidationError', message, details);
export const notFound = (message: string) => new HooklineError('ResourceNotFound', message);
export const conflict = (message: string) => new HooklineError('RequestConflict', message);

export function isHooklineError(error: unknown): error is HooklineError {
  return error instanceof HooklineError;
}
