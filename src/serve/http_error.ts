/** An error the API answers with its own status and message (never a stack trace). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

export class NotFound extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

/** 409: the request is sound, but the run's state forbids it now. */
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}
