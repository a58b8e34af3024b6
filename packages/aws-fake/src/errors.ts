// Errors a fake service answers with, in AWS's shapes: the code (`__type` in JSON protocols,
// `<Code>` in the query protocol), an HTTP status and whether the caller or the service is at fault.

export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
  ) {
    super(message);
    this.name = code;
  }
}

export const notFound = (code: string, message: string) => new AwsServiceError(code, message, 400);
