/**
 * Fake credentials for the labelled set and the tests. They are random, revoked-by-construction
 * strings in the vendors' formats; each is assembled from pieces so secret scanners reading this
 * repository do not flag the source file.
 */
const join = (...parts: string[]) => parts.join('');

export const FAKE_SECRETS = {
  anthropicKey: join(
    'sk-',
    'ant-',
    'api03-',
    'PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KX',
  ),
  openAiKey: join('sk-', 'proj-', '4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojflj'),
  githubToken: join('gh', 'p_', 'oQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83R'),
  githubOauthToken: join('gh', 'o_', 'ZJzzzzgEOzdmenCkhvMdgaKjIg8xNbe3nNyj'),
  githubPat: join(
    'github',
    '_pat_',
    'Oq9wMxEhh2FDEEtfjgVvVq',
    '_',
    'E1SkHbn88HxjSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2mZp0zVZomHFwUbb',
  ),
  slackBotToken: join('xo', 'xb-', '2750123456789', '-', '4819203746512', '-', '1id6Vw5DQL05HA064GiIjHGb'),
  slackUserToken: join('xo', 'xp-', '2750123456789', '-', '5512093847261', '-', 'PgHV7iB3m03nbqnsGpWLuqIA'),
  awsAccessKey: join('AK', 'IA', 'IOSFODNN7EXAMPLE'),
  googleApiKey: join('AI', 'za', 'J8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuv'),
  stripeSecretKey: join('sk', '_live_', 'ibjL5DZPjN0MEQ7wjJJibaZU'),
  stripeRestrictedKey: join('rk', '_live_', 'PgHV7iB3m03nbqnsGpWLuqIA'),
  jwt: join(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
    '.',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ),
  bearerToken: join('4xatws8phP9nhFyJfm', '-5di4P-zJ59-FHz5r1pY4O'),
  randomKey: join('eQpBenQtYh5Xj8TPQ', 'xjq4i9DoV8g'),
  randomSecret: join('z4FkQ1okTBGzvAmwu', 'fUxbvJDCTbyvHNs'),
} as const;
