import { status } from '@grpc/grpc-js';

/** An error the API answers with a gRPC status, the way the real service does (e.g. ALREADY_EXISTS, NOT_FOUND). */
export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalidArgument = (message: string): ApiError => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string): ApiError => new ApiError(status.NOT_FOUND, message);
export const alreadyExists = (message: string): ApiError => new ApiError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string): ApiError => new ApiError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string): ApiError => new ApiError(status.UNIMPLEMENTED, message);

/** HTTP status and canonical name of a gRPC code, as Google's JSON APIs report them (google.rpc.Code's mapping). */
export function httpErrorOf(code: status): { httpStatus: number; statusName: string } {
  const statusName = status[code] ?? 'UNKNOWN';
  const httpStatus: Partial<Record<status, number>> = {
    [status.CANCELLED]: 499,
    [status.INVALID_ARGUMENT]: 400,
    [status.DEADLINE_EXCEEDED]: 504,
    [status.NOT_FOUND]: 404,
    [status.ALREADY_EXISTS]: 409,
    [status.PERMISSION_DENIED]: 403,
    [status.UNAUTHENTICATED]: 401,
    [status.RESOURCE_EXHAUSTED]: 429,
    [status.FAILED_PRECONDITION]: 400,
    [status.ABORTED]: 409,
    [status.OUT_OF_RANGE]: 400,
    [status.UNIMPLEMENTED]: 501,
    [status.UNAVAILABLE]: 503,
  };
  return { httpStatus: httpStatus[code] ?? 500, statusName };
}
