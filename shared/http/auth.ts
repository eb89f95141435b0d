import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../domain/errors.ts';
import type { OperatorKeyStore, OperatorRole } from '../ports/operator-keys.ts';
import type { AppEnv } from './env.ts';

export interface TokenVerifier {
  /** Resolves to the verified claims; rejects for a bad signature, issuer, audience or an expired token. */
  verify(token: string): Promise<JWTPayload>;
}

export interface JwtVerifierOptions {
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  /** For service-to-service tokens: the service account the token must name (`email` claim). */
  readonly email?: string;
  /** The longest lifetime (`exp - iat`) accepted: a token minted to live for weeks is refused. Default 24 h. */
  readonly maxLifetimeSeconds?: number;
  /** Clock skew allowed on `exp`, `nbf` and `iat` between the issuer and us. Default 30 s. */
  readonly clockSkewSeconds?: number;
}

/** Defaults of JwtVerifierOptions, as shared/config.ts's TOKEN_MAX_LIFETIME_SECONDS and TOKEN_CLOCK_SKEW_SECONDS. */
export const TOKEN_DEFAULTS = { maxLifetimeSeconds: 86_400, clockSkewSeconds: 30 } as const;

/**
 * Verifies JWTs against a JWKS (jose's `createRemoteJWKSet` for Google or any OIDC issuer, local for tests): the
 * signature, issuer and audience, and that the token says who it is (`sub`), when it was issued (`iat`) and when it
 * expires (`exp`), lives no longer than the maximum lifetime and was not issued in the future. A token without `exp`
 * would be a password that never expires.
 */
export function jwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const maxLifetime = options.maxLifetimeSeconds ?? TOKEN_DEFAULTS.maxLifetimeSeconds;
  const skew = options.clockSkewSeconds ?? TOKEN_DEFAULTS.clockSkewSeconds;
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256', 'ES256'],
        clockTolerance: skew,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: maxLifetime + skew,
      });
      const { exp, iat } = payload as { exp: number; iat: number };
      if (exp - iat > maxLifetime) throw new Error('token lives longer than the maximum lifetime');
      if (iat > Date.now() / 1000 + skew) throw new Error('token issued in the future');
      if (options.email !== undefined && (payload.email !== options.email || payload.email_verified === false)) {
        throw new Error('token names another service account');
      }
      return payload;
    },
  };
}

function bearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)$/);
  return match?.[1] ?? null;
}

/** Customer endpoints: `Authorization: Bearer <JWT>`; the customer id is the token's `sub`. */
export function customerAuth(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new AppError('unauthorized', 'send Authorization: Bearer <token>');
    let sub: unknown;
    try {
      sub = (await verifier.verify(token)).sub;
    } catch {
      throw new AppError('unauthorized', 'the token is invalid or expired');
    }
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
      throw new AppError('unauthorized', 'the token names no customer');
    }
    c.set('customerId', sub);
    await next();
  };
}

/**
 * Pushes from Cloud Tasks and Pub/Sub carry an OIDC token for the service account they act as. `null` turns the
 * check off, which only the emulator topology does: the Pub/Sub emulator sends no token.
 */
export function pushAuth(verifier: TokenVerifier | null): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (verifier !== null) {
      const token = bearer(c.req.header('authorization'));
      if (!token) throw new AppError('unauthorized', 'push without an OIDC token');
      try {
        await verifier.verify(token);
      } catch {
        throw new AppError('unauthorized', 'push token refused');
      }
    }
    await next();
  };
}

/**
 * Operator endpoints: `X-Api-Key: <key>` (or `Authorization: ApiKey <key>`). Keys are looked up by their SHA-256, never
 * stored or logged in clear; a valid key without one of `roles` is 403.
 */
export function operatorAuth(keys: OperatorKeyStore, roles: readonly OperatorRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('x-api-key') ?? c.req.header('authorization')?.match(/^ApiKey\s+(\S+)$/)?.[1];
    if (!key || key.length > 256) throw new AppError('unauthorized', 'send an operator key in X-Api-Key');
    const operator = await keys.findByHash(createHash('sha256').update(key).digest('hex'));
    if (!operator) throw new AppError('unauthorized', 'unknown operator key');
    if (!roles.includes(operator.role)) {
      throw new AppError('forbidden', `this needs the ${roles.join(' or ')} role; the key has ${operator.role}`);
    }
    c.set('operator', operator);
    c.set('logger', c.get('logger').child({ operator: operator.keyId }));
    await next();
  };
}
