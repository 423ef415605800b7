// A relying party built on panva's openid-client (certified OIDC RP library), run by
// tests/oidc/test_relying_parties.py against a real `monban serve`. The person's browser is
// played by fetch with the Monban session cookie; everything else is the library's.
import * as client from 'openid-client'

const env = process.env
const issuer = new URL(env.ISSUER)
const redirectUri = env.REDIRECT_URI
const config = await client.discovery(issuer, env.CLIENT_ID, {
  client_secret: env.CLIENT_SECRET,
  id_token_signed_response_alg: env.ALG || 'ES256',
}, undefined, { execute: [client.allowInsecureRequests] })

const signin = await fetch(new URL('/api/v1/signin/flows', issuer), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ identifier: env.IDENTIFIER, password: env.PASSWORD }),
})
const session = (await signin.json()).token

const verifier = client.randomPKCECodeVerifier()
const state = client.randomState()
const nonce = client.randomNonce()
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
})
const authorized = await fetch(url, {
  redirect: 'manual',
  headers: { cookie: `monban_session=${session}`, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
})
const callback = new URL(authorized.headers.get('location'))
const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
})
const claims = tokens.claims()
const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
let reuse = 'accepted'
try {
  await client.refreshTokenGrant(config, tokens.refresh_token)
} catch (error) {
  reuse = error.error || String(error)
}
let afterReuse = 'accepted'
try {
  await client.refreshTokenGrant(config, refreshed.refresh_token)
} catch (error) {
  afterReuse = error.error || String(error)
}
const introspected = await client.tokenIntrospection(config, tokens.access_token)
console.log(JSON.stringify({
  sub: claims.sub,
  name: info.name,
  email: info.email,
  amr: claims.amr,
  auth_time: claims.auth_time,
  refreshed: Boolean(refreshed.access_token && refreshed.refresh_token !== tokens.refresh_token),
  reuse,
  after_reuse: afterReuse,
  active_after_reuse: introspected.active,
}))
