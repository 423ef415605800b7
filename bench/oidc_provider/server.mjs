// npm's oidc-provider (panva; OpenID Certified), configured like the Monban client of
// bench/oidc_throughput.py: one confidential client with authorization_code, refresh_token
// (rotated on every use, as Monban does) and client_credentials; introspection on; the
// development interactions for the code flow that mints the refresh tokens. Its own
// in-memory adapter is used (it stores nothing on disk, so the comparison favours it), with
// room for ten million entries instead of the quick-start 1,000: with 1,000, the tokens of a
// client_credentials run evict the grants of the refresh tokens.
import Provider from 'oidc-provider'
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js'
import LRU from 'oidc-provider/lib/helpers/lru.js'

const store = new LRU({ maxSize: 10_000_000 })

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
  adapter: (model) => new MemoryAdapter(model, store),
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
})
provider.listen(port, '127.0.0.1')
