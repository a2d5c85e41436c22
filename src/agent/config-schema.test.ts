import { describe, expect, it } from 'vitest';
import { parseDuration, validateConfig } from '../config/index.js';
import { InvalidConfigError } from '../errors/index.js';
import { type AgentConfig, agentConfigSchema, defineConfig } from './config-schema.js';

const emailConfig = { host: '127.0.0.1', port: 2525 };

/** The config of the Foundation issue, verbatim. */
const fullConfig: AgentConfig = {
  tenantId: 'acme-bakery',
  agentId: 'front-desk',
  systemPrompt: 'You answer customers of Acme Bakery.',
  trust: {
    initial: 0.3,
    rules: [
      { metric: 'success_rate', threshold: 0.95, action: 'increment', amount: 0.1 },
      { metric: 'error_rate', threshold: 0.1, action: 'decrement', amount: 0.2 },
    ],
    permissions: {
      0.1: ['Read'],
      0.3: ['Read', 'mcp__slack__*'],
      0.5: ['Read', 'Write', 'mcp__*'],
      0.9: ['*'],
    },
  },
  optimization: {
    enableCache: true,
    cacheRules: [
      { pattern: 'greeting', ttl: 86400, response: 'Hello! How can I help?' },
      { similarity: 0.95, ttl: 3600 },
    ],
    patterns: { autoDetect: true, minFrequency: 10, confidence: 0.9 },
    budget: { daily: 50.0, perRequest: 1.0, alertThreshold: 0.8 },
    fallback: ['cache', 'pattern', 'intelligent'],
  },
  learning: {
    enabled: true,
    patterns: { minOccurrences: 10, confidenceThreshold: 0.95, timeWindow: '7d' },
    capabilities: { autoGenerate: true, requireApproval: true, testCoverage: 0.9 },
    deployment: { strategy: 'canary', rolloutPercentage: 10, successCriteria: { errorRate: 0.01 } },
  },
  channels: [
    { type: 'slack', webhook: process.env.SLACK_WEBHOOK, features: ['progress_tracking', 'threading'] },
    { type: 'email', smtp: emailConfig, features: ['attachments', 'html'] },
    { type: 'sms', provider: 'twilio', features: ['short_responses'] },
  ],
  messageHandling: { normalizeInput: true, detectUrgency: true, maintainContext: true },
  audit: {
    enabled: true,
    level: 'detailed',
    compliance: { standards: ['SOC2', 'HIPAA'], piiDetection: true, encryption: true },
    retention: { duration: '7y', storage: 's3://audit-logs', format: 'json' },
    analytics: { dashboard: true, alerts: ['unusual_activity', 'permission_escalation'] },
  },
};

function issuesOf(config: unknown): InvalidConfigError['issues'] {
  try {
    validateConfig(agentConfigSchema, config);
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('agent config', () => {
  it('accepts the full public config shape and keeps every key', () => {
    const parsed = validateConfig(agentConfigSchema, defineConfig(fullConfig));
    expect(parsed.trust?.permissions['0.5']).toEqual(['Read', 'Write', 'mcp__*']);
    expect(parsed.optimization?.budget).toEqual({ daily: 50, perRequest: 1, alertThreshold: 0.8 });
    expect(parsed.learning?.patterns?.timeWindow).toBe('7d');
    expect(parsed.channels.map((channel) => channel.type)).toEqual(['slack', 'email', 'sms']);
    expect(parsed.audit?.retention?.storage).toBe('s3://audit-logs');
  });

  it('makes every section optional, with documented defaults', () => {
    const parsed = validateConfig(agentConfigSchema, {});
    expect(parsed).toMatchObject({ tenantId: 'default', agentId: 'default', tools: [], channels: [] });
    expect(parsed.trust).toBeUndefined();
    expect(parsed.messageHandling).toEqual({
      normalizeInput: true,
      detectUrgency: false,
      maintainContext: false,
    });
    expect(parsed.limits).toEqual({
      maxMessageChars: 32_000,
      timeoutMs: 120_000,
      maxTurns: 20,
      maxOutputTokens: 4096,
      feedbackPerCustomerPerMinute: 10,
    });
  });

  it('names the path, the value given and what would be valid', () => {
    const [issue] = issuesOf({ optimization: { budget: { daily: -5 } } });
    expect(issue).toEqual({ path: 'optimization.budget.daily', received: '-5', expected: 'a number >= 0' });
  });

  it('reports misspelled options instead of ignoring them', () => {
    const [issue] = issuesOf({ optimisation: {} });
    expect(issue?.path).toBe('optimisation');
    expect(issue?.expected).toMatch(/documented options/);
  });

  it('rejects bad values in each section', () => {
    expect(issuesOf({ trust: { initial: 1.5 } })[0]?.path).toBe('trust.initial');
    expect(issuesOf({ trust: { permissions: { high: ['Read'] } } })[0]?.path).toBe('trust.permissions.high');
    expect(
      issuesOf({
        trust: { rules: [{ metric: 'vibes', threshold: 1, action: 'increment', amount: 0.1 }] },
      })[0],
    ).toMatchObject({ path: 'trust.rules.0.metric', expected: expect.stringContaining('"success_rate"') });
    expect(issuesOf({ optimization: { fallback: ['cache', 'cache'] } })[0]?.path).toBe(
      'optimization.fallback',
    );
    expect(issuesOf({ learning: { patterns: { timeWindow: 'a week' } } })[0]?.path).toBe(
      'learning.patterns.timeWindow',
    );
    expect(issuesOf({ channels: [{ type: 'fax' }] })[0]?.path).toBe('channels.0.type');
    expect(issuesOf({ audit: { retention: { storage: 'ftp://x' } } })[0]?.path).toBe(
      'audit.retention.storage',
    );
    expect(issuesOf({ tenantId: 'has spaces' })[0]?.path).toBe('tenantId');
  });

  it('throws a StewardError with code invalid-config and every issue in the message', () => {
    expect(() => validateConfig(agentConfigSchema, { agentId: '', limits: { timeoutMs: 0 } })).toThrow(
      expect.objectContaining({
        code: 'invalid-config',
        message: expect.stringMatching(/agentId[\s\S]*limits\.timeoutMs/),
      }),
    );
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['7y', 7 * 365 * 86_400_000],
    ['1.5h', 5_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '7', 'd7', '7 days', '-1d'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
