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
  /** Push tokens live an hour, as Google's OIDC tokens do. */
  static readonly PUSH_TOKEN_TTL_SECONDS = 3600;
  /** A cached push token is replaced this long before it expires, so none is sent about to lapse. */
  static readonly PUSH_TOKEN_REFRESH_SECONDS = 300;

  private readonly pushTokens = new Map<string, { readonly token: Promise<string>; readonly expiresAt: number }>();

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

  /**
   * The OIDC token the in-memory queue, bus and scheduler attach to every push: minted once per audience and reused
   * until {@link LocalIssuer.PUSH_TOKEN_REFRESH_SECONDS} before it expires, as Google's token sources do. Signing one
   * per delivery cost ~1–2 ms of RS256 (several per payment) and was the largest item in the embedded stack's profile.
   */
  pushToken(audience: string = LocalIssuer.PUSH_AUDIENCE): Promise<string> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const cached = this.pushTokens.get(audience);
    if (cached && cached.expiresAt - nowSeconds > LocalIssuer.PUSH_TOKEN_REFRESH_SECONDS) return cached.token;
    const expiresAt = nowSeconds + LocalIssuer.PUSH_TOKEN_TTL_SECONDS;
    const token = new SignJWT({ email: LocalIssuer.PUSH_EMAIL, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setSubject(LocalIssuer.PUSH_EMAIL)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expiresAt)
      .sign(this.privateKey);
    // the promise is cached, so concurrent first pushes share one signature; a failed signing is not kept
    this.pushTokens.set(audience, { token, expiresAt });
    token.catch(() => this.pushTokens.delete(audience));
    return token;
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
