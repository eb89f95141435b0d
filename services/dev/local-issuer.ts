import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { jwtVerifier, type TokenVerifier } from '../../shared/http/auth.ts';

/**
 * The embedded stack is its own token issuer: it signs customer tokens (`GET /dev/token`) and the OIDC tokens the
 * in-memory queue and bus attach to pushes, and verifies both exactly as production verifies its issuers' tokens.
 * Exists only in the embedded default and the local topology, never when configured for Google Cloud.
 */
export class LocalIssuer {
  static readonly CUSTOMER_AUDIENCE = 'payments-api';
  static readonly PUSH_AUDIENCE = 'payments-internal';
  static readonly PUSH_EMAIL = 'pusher@embedded.local';

  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    readonly jwks: { keys: JWK[] },
    private readonly kid: string,
  ) {}

  static async create(issuer: string): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new LocalIssuer(issuer, privateKey, { keys: [jwk] }, kid);
  }

  customerToken(customerId: string, ttlSeconds = 3600): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(LocalIssuer.CUSTOMER_AUDIENCE)
      .setSubject(customerId)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  pushToken(audience: string = LocalIssuer.PUSH_AUDIENCE): Promise<string> {
    return new SignJWT({ email: LocalIssuer.PUSH_EMAIL, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setSubject(LocalIssuer.PUSH_EMAIL)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.privateKey);
  }

  /**
   * A customer token with exactly `claims` (issuer and audience added unless given), signed with this issuer's key:
   * for the attack suite, which shows that a well-signed token without `exp`, `iat` or `sub`, or living too long, is
   * still refused.
   */
  tokenWithClaims(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT({ iss: this.issuer, aud: LocalIssuer.CUSTOMER_AUDIENCE, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .sign(this.privateKey);
  }

  customerVerifier(): TokenVerifier {
    return jwtVerifier({
      keys: createLocalJWKSet(this.jwks),
      issuer: this.issuer,
      audience: LocalIssuer.CUSTOMER_AUDIENCE,
    });
  }

  pushVerifier(): TokenVerifier {
    return jwtVerifier({
      keys: createLocalJWKSet(this.jwks),
      issuer: this.issuer,
      audience: LocalIssuer.PUSH_AUDIENCE,
      email: LocalIssuer.PUSH_EMAIL,
    });
  }
}
