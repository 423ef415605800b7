// npm's oidc-provider (panva; OpenID Certified), configured like the Monban client of
// bench/oidc_throughput.py: one confidential client with authorization_code, refresh_token
// (rotated on every use, as Monban does) and client_credentials; introspection on; the
// development interactions for the code flow that mints the refresh tokens. Its default
// in-memory adapter is kept: it stores nothing on disk, so the comparison favours it.
import Provider from 'oidc-provider'

const port = Number(process.env.PORT)
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench',
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    scope: 'openid offline_access',
    application_type: 'native',
  }],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: true },
  },
  rotateRefreshToken: true,
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
})
provider.listen(port, '127.0.0.1')
