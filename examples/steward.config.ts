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
  messageHandling: { normalizeInput: true, detectUrgency: true, maintainContext: true },
  optimization: {
    enableCache: true,
    cacheRules: [
      { pattern: 'greeting', ttl: 86400, response: 'Hello! How can I help?' },
      { similarity: 0.95, ttl: 3600 },
    ],
    budget: { daily: 50.0, perRequest: 1.0, alertThreshold: 0.8 },
    fallback: ['cache', 'pattern', 'intelligent'],
  },
});
