/** Typed domain errors; app.ts maps each to one HTTP status. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 413 | 422 | 429,
    /** an i18n key for the user-facing message, when there is one */
    readonly key?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing does not exist, or this user may not know it exists. */
export class NotFound extends DomainError {
  constructor(message = "Not found") {
    super(message, 404, "error.not_found");
  }
}

export class Forbidden extends DomainError {
  constructor(message = "Forbidden", key = "error.forbidden") {
    super(message, 403, key);
  }
}

/** Input that fails a rule; 422 so htmx forms can show it in place. */
export class Invalid extends DomainError {
  constructor(message: string, key?: string) {
    super(message, 422, key);
  }
}

export class TooManyRequests extends DomainError {
  constructor(message: string, key?: string) {
    super(message, 429, key);
  }
}
