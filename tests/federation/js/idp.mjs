// A real upstream OpenID provider for Monban's federation tests: panva's oidc-provider on a
// loopback port. Its accounts live in memory and the test changes them over HTTP
// (PUT /_test/accounts/<sub> {"email", "email_verified", "name"}), so a test can change an
// account's email "at the provider". The login page is deliberately plain: one field naming
// the account, and a box to say the provider did MFA (amr).
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const issuer = process.env.IDP_ISSUER || `http://127.0.0.1:${port}`;
const accounts = new Map();

const configuration = {
  clients: [{
    client_id: process.env.IDP_CLIENT_ID,
    client_secret: process.env.IDP_CLIENT_SECRET,
    redirect_uris: process.env.IDP_REDIRECT_URIS.split(' '),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { amr: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  cookies: { keys: ['monban-test-idp-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: account.email_verified,
                 name: account.name };
      },
    };
  },
  // First-party test client: consent is implied (the documented way to skip the prompt).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
const callback = provider.callback();

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    let match = url.pathname.match(/^\/_test\/accounts\/([^/]+)$/);
    if (match && req.method === 'PUT') {
      const body = JSON.parse(await readBody(req));
      accounts.set(decodeURIComponent(match[1]), {
        email: body.email, email_verified: body.email_verified ?? true,
        name: body.name ?? 'Test Person' });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
      return;
    }
    match = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (match && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><head><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1><form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="login">Account</label><input id="login" name="login" autofocus>
<label><input type="checkbox" name="mfa" value="1"> MFA done</label>
<button type="submit">Continue</button></form></body></html>`);
      return;
    }
    match = url.pathname.match(/^\/interaction\/([^/]+)\/login$/);
    if (match && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const login = form.get('login') || '';
      if (!accounts.has(login)) {
        res.statusCode = 400;
        res.end('unknown test account');
        return;
      }
      const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
      await provider.interactionFinished(req, res, { login: { accountId: login, amr } },
                                         { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => { console.log(`test idp listening on ${issuer}`); });
