/**
 * The example agent `npm start` serves: Acme Bakery's front desk.
 * Sections for primitives that are not built yet are accepted and reported by `GET /api/agents`
 * as `not-built`; they do not run.
 */
import { defineConfig } from '../src/index.js';

export default defineConfig({
  tenantId: 'acme-bakery',
  agentId: 'front-desk',
  systemPrompt: 'You answer customers of Acme Bakery. Be brief and friendly.',
  tools: ['Read', 'Write'],
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
  messageHandling: { normalizeInput: true, detectUrgency: true, maintainContext: true },
  optimization: {
    enableCache: true,
    // A rule such as { pattern: 'greeting', ttl: 86400, response: 'Hello! How can I help?' } would answer
    // "hi" from the cache; the demo leaves it out so a first "hi" shows a reply from the SDK and CLI.
    cacheRules: [{ similarity: 0.95, ttl: 3600 }],
    patterns: { autoDetect: true, minFrequency: 10, confidence: 0.9 },
    budget: { daily: 50.0, perRequest: 1.0, alertThreshold: 0.8 },
    fallback: ['cache', 'pattern', 'intelligent'],
  },
  // Encryption needs a master key: set STEWARD_AUDIT_KEY (openssl rand -base64 32) and add
  // `encryption: true` to compliance. Archives go beside the demo database.
  audit: {
    enabled: true,
    level: 'standard',
    compliance: { standards: ['SOC2'], piiDetection: true },
    retention: { duration: '1y', storage: 'file://./.steward/audit-archive', format: 'json' },
    analytics: { dashboard: true, alerts: ['unusual_activity', 'permission_escalation'] },
  },
});
