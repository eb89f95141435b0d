import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';

const TOKEN_LIFETIME = '1h';

export interface IdTokenRequest {
  readonly issuer: string;
  readonly serviceAccountEmail: string;
  readonly audience: string;
}

export interface OidcKeys {
  /** The public half, served as the JSON Web Key Set services verify tokens against. */
  readonly jwks: JSONWebKeySet;
  /** An ID token for the service account, with the claims Google puts in the ones Cloud Tasks sends. */
  signIdToken(request: IdTokenRequest): Promise<string>;
}

/**
 * Google puts the service account's numeric unique id in `sub` and `azp`. The emulator has no IAM, so it derives a
 * stable 21-digit number from the email: the same account always gets the same subject.
 */
export function subjectFor(email: string): string {
  const digest = createHash('sha256').update(email).digest();
  return ((digest.readBigUInt64BE(0) % 10n ** 20n) + 10n ** 20n).toString();
}

/** A fresh RS256 key per emulator run: tokens from a previous run (or from Google) never verify against it. */
export async function createOidcKeys(): Promise<OidcKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [publicJwk] },
    signIdToken({ issuer, serviceAccountEmail, audience }) {
      const sub = subjectFor(serviceAccountEmail);
      return new SignJWT({ email: serviceAccountEmail, email_verified: true, azp: sub })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(privateKey);
    },
  };
}
