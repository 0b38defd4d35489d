// A second OpenID provider for the e-ID tests: node-oidc-provider (panva, OpenID Certified),
// which nobody here wrote, configured by the test that starts it.
//
// The test passes its settings as JSON in OIDC_PROVIDER_CONFIG:
//   {"issuer_suffix": "" | "/", "clients": [client metadata, ...], "control_token": "..."}
// The server listens on 127.0.0.1 on a free port and prints one line of JSON,
// {"issuer": "http://127.0.0.1:PORT"}, when it is ready.
//
// Nobody types a password: the interaction pages log in the account the test set (PUT
// /__test__/account with {"sub": ..., "claims": {...}} and the control token as a bearer
// token) and grant what the client asked for, so the test drives the whole flow over
// plain HTTP redirects. Signing keys (RSA for RS256/PS256, P-256 for ES256) are made per run.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_PROVIDER_CONFIG || '{}');
let account = { sub: 'person-1', claims: {} };

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return [
    { ...rsa.export({ format: 'jwk' }), kid: `rsa-${randomUUID()}`, use: 'sig' },
    { ...ec.export({ format: 'jwk' }), kid: `ec-${randomUUID()}`, use: 'sig' },
  ];
}

function configuration() {
  return {
    clients: settings.clients || [],
    jwks: { keys: signingKeys() },
    cookies: { keys: [randomUUID()] },
    scopes: ['openid', 'profile', 'address'],
    // OIDC Core 5.4: the address is released only for the scope "address".
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate', 'drfo_code'],
      address: ['address'],
    },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
    },
    pkce: { required: () => true },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'PS256', 'ES256'],
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      if (id !== account.sub) return undefined;
      return { accountId: id, claims: async () => ({ ...account.claims, sub: id }) };
    },
  };
}

async function interact(provider, ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: account.sub } };
  } else {
    // Consent, given for the person at once: everything the client asked for.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  }
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result,
    { mergeWithLastSubmission: false }));
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}${settings.issuer_suffix || ''}`;
  const provider = new Provider(issuer, configuration());
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  provider.use(async (ctx, next) => {
    if (ctx.path === '/__test__/account' && ctx.method === 'PUT') {
      if (ctx.get('authorization') !== `Bearer ${settings.control_token}`) {
        ctx.status = 403;
        return;
      }
      account = await readJson(ctx.req);
      ctx.status = 204;
      return;
    }
    if (ctx.path.startsWith('/interaction/') && ctx.method === 'GET') {
      await interact(provider, ctx);
      return;
    }
    await next();
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
