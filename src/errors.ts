/**
 * The one catalogue of error codes Recoup reports, with the HTTP status each maps to.
 * Users see `message`; `details` carries structured data (for example the import problems).
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: 400,
  IMPORT_REJECTED: 422,
  POLICY_INVALID: 422,
  POLICY_VERSION_CONFLICT: 409,
  TEMPLATE_INVALID: 422,
  TEMPLATE_REFUSED: 422,
  TASK_CLOSED: 409,
  PROMISE_NOT_FOUND: 404,
  PROMISE_CLOSED: 409,
  PLAN_NOT_FOUND: 404,
  PLAN_CLOSED: 409,
  PLAN_ALREADY_SIGNED: 409,
  PLAN_SIGNATURE_EXPIRED: 409,
  INVOICE_ALREADY_COVERED: 409,
  INVALID_MONEY: 400,
  INVALID_DATE: 400,
  UNKNOWN_CURRENCY: 400,
  UNKNOWN_REGIME: 400,
  RATE_NOT_AVAILABLE: 422,
  CUSTOMER_NOT_FOUND: 404,
  INVOICE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  DATABASE_LOCKED: 409,
  AUDIT_CHAIN_BROKEN: 409,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class RecoupError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "RecoupError";
  }

  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code];
  }
}

export function isRecoupError(error: unknown): error is RecoupError {
  return error instanceof RecoupError;
}
