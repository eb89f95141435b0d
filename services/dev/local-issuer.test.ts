import test from 'ava';
import { LocalIssuer } from './local-issuer.ts';

test('push tokens: minted once per audience and reused, and they verify', async (t) => {
  const issuer = await LocalIssuer.create('http://issuer.test/dev');
  const first = await issuer.pushToken();
  t.is(await issuer.pushToken(), first);
  t.not(await issuer.pushToken('other-audience'), first);
  const claims = await issuer.pushVerifier().verify(first);
  t.is(claims.email, LocalIssuer.PUSH_EMAIL);
});
