// A local OpenID Connect provider for tests/test_sso_e2e.py (the `oidc-provider` package).
//
// Environment: PORT (127.0.0.1 only), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
// POST_LOGOUT_REDIRECT_URI. One static confidential client. Sign-in is automatic: the
// interaction page logs in the account the test chose beforehand with
//   POST /test/next-login  {"sub": "...", "amr": ["pwd", "mfa"], "acr": "...", "email": "..."}
// so the ID token carries exactly the subject and `amr`/`acr` a test needs.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
let nextLogin = { sub: 'nobody', amr: ['pwd'] };
const accounts = new Map();

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  // acr and amr are listed under openid so that the ID token carries them (a real IdP's
  // MFA policy puts them there).
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub) || { sub };
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: account.email ? true : undefined, name: account.name };
      },
    };
  },
  // First-party client: no consent screen (the documented "skip consent" recipe).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['alpr-test-provider-cookie-key'] },
  ttl: { Session: 3600, Interaction: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 3600 },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/test/next-login') {
    const body = await new Promise((resolve) => {
      let data = '';
      ctx.req.on('data', (chunk) => { data += chunk; });
      ctx.req.on('end', () => resolve(data));
    });
    nextLogin = JSON.parse(body);
    accounts.set(nextLogin.sub, nextLogin);
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const result = { login: { accountId: nextLogin.sub, amr: nextLogin.amr, acr: nextLogin.acr, remember: false } };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.respond = false;
    void details;
    return;
  }
  await next();
});

http.createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
