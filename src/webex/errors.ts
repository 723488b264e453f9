/** Details every Webex failure carries, so support can find the request. */
export interface FailureInfo {
  status: number | null;
  trackingId: string | null;
  errorCode?: number | undefined;
  description: string;
  /** Every error of the answer's body, when it listed several. */
  errors?: { errorCode?: number; description?: string }[];
}

/** Base of every error the client throws; the class says what to do next. */
export abstract class WebexCallError extends Error {
  readonly info: FailureInfo;
  constructor(message: string, info: FailureInfo) {
    super(message);
    this.info = info;
  }
}

/** 429/423: wait `retryAfterMs` (null when the server gave no usable value) and try again. */
export class RateLimitedError extends WebexCallError {
  override readonly name = 'RateLimitedError';
  constructor(
    info: FailureInfo,
    readonly retryAfterMs: number | null,
  ) {
    super(`rate limited (HTTP ${info.status})`, info);
  }
}

/** 5xx, reset or timeout on a call that changes nothing: back off and try again. */
export class TransientError extends WebexCallError {
  override readonly name: string = 'TransientError';
}

/**
 * The run is stopping and this call was never sent (it waited for a rate slot or a retry): nothing
 * reached Webex, so the change it was for goes back exactly as it was.
 */
export class NotSentError extends TransientError {
  override readonly name: string = 'NotSentError';
}

/** 4xx: this item fails with Webex's error code and description; do not retry it. */
export class PermanentError extends WebexCallError {
  override readonly name = 'PermanentError';
}

/** 401/403: the partner's token is missing, expired or lacks scopes; stop that partner's work. */
export class AuthError extends WebexCallError {
  override readonly name = 'AuthError';
}

/** A change was sent but no answer came (timeout, reset, 5xx): look the record up before any resend. */
export class OutcomeUnknownError extends WebexCallError {
  override readonly name = 'OutcomeUnknownError';
}
