import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../domain/errors.ts';
import { mayTake, OPERATOR_PERMISSIONS, type OperatorAction } from '../domain/permissions.ts';
import type { OperatorKeyStore } from '../ports/operator-keys.ts';
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

/** A verified token is trusted again without its signature check for at most this long (and never past `exp`). */
const VERIFIED_TTL_MS = 60_000;
/** Bounds the cache of verified tokens; past it the oldest entries go first. */
const VERIFIED_MAX = 10_000;

/** Defaults of JwtVerifierOptions, as shared/config.ts's TOKEN_MAX_LIFETIME_SECONDS and TOKEN_CLOCK_SKEW_SECONDS. */
export const TOKEN_DEFAULTS = { maxLifetimeSeconds: 86_400, clockSkewSeconds: 30 } as const;

/**
 * Verifies JWTs against a JWKS (jose's `createRemoteJWKSet` for Google or any OIDC issuer, local for tests): the
 * signature, issuer and audience, and that the token says who it is (`sub`), when it was issued (`iat`) and when it
 * expires (`exp`), lives no longer than the maximum lifetime and was not issued in the future. A token without `exp`
 * would be a password that never expires.
 *
 * A token that passed every check is remembered by its exact string for up to a minute (never past its `exp`): an
 * RS256 signature check is the largest single cost of a push or a customer request, and Pub/Sub, Cloud Tasks and a
 * customer's app send the same token again and again until it nears expiry. The bytes are identical to ones already
 * verified, so skipping the check again changes nothing but the CPU; a rotated key takes effect within the minute.
 */
export function jwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const maxLifetime = options.maxLifetimeSeconds ?? TOKEN_DEFAULTS.maxLifetimeSeconds;
  const skew = options.clockSkewSeconds ?? TOKEN_DEFAULTS.clockSkewSeconds;
  const verified = new Map<string, { readonly payload: JWTPayload; readonly until: number }>();
  return {
    async verify(token) {
      const now = Date.now();
      const known = verified.get(token);
      if (known && known.until > now) return known.payload;
      if (known) verified.delete(token);
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
      if (iat > now / 1000 + skew) throw new Error('token issued in the future');
      if (options.email !== undefined && (payload.email !== options.email || payload.email_verified === false)) {
        throw new Error('token names another service account');
      }
      const until = Math.min(now + VERIFIED_TTL_MS, payload.exp !== undefined ? payload.exp * 1000 : now);
      if (until > now) {
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
        verified.set(token, { payload, until });
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
 * stored or logged in clear; a valid key whose role may not take `action` (shared/domain/permissions.ts) is 403.
 */
export function operatorAuth(keys: OperatorKeyStore, action: OperatorAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('x-api-key') ?? c.req.header('authorization')?.match(/^ApiKey\s+(\S+)$/)?.[1];
    if (!key || key.length > 256) throw new AppError('unauthorized', 'send an operator key in X-Api-Key');
    const operator = await keys.findByHash(createHash('sha256').update(key).digest('hex'));
    if (!operator) throw new AppError('unauthorized', 'unknown operator key');
    if (!mayTake(operator.role, action)) {
      const allowed = OPERATOR_PERMISSIONS[action].join(' or ');
      throw new AppError('forbidden', `${action} needs the ${allowed} role; the key has ${operator.role}`);
    }
    c.set('operator', operator);
    c.set('logger', c.get('logger').child({ operator: operator.keyId }));
    await next();
  };
}
