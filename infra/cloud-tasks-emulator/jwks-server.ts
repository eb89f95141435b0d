import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

export interface JwksServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * gRPC owns the API port, so the public keys are served by a small HTTP side server:
 *   GET /jwks.json                          the JSON Web Key Set (what `createRemoteJWKSet` fetches)
 *   GET /.well-known/openid-configuration   a minimal discovery document pointing at it
 */
export async function startJwksServer(options: {
  host: string;
  port: number;
  jwks: JSONWebKeySet;
  /** Known only once the port is, hence a function. */
  discovery: () => { issuer: string; jwksUrl: string };
}): Promise<JwksServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/jwks.json') {
      json(res, options.jwks);
    } else if (path === '/.well-known/openid-configuration') {
      const { issuer, jwksUrl } = options.discovery();
      json(res, {
        issuer,
        jwks_uri: jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
        claims_supported: ['aud', 'azp', 'email', 'email_verified', 'exp', 'iat', 'iss', 'sub'],
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' });
  res.end(JSON.stringify(body));
}
