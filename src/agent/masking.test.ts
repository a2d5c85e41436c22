import { describe, expect, it } from 'vitest';
import { storeEngines } from '../../test/support/engines.js';
import { FunctionRuntime } from '../runtime/index.js';
import { ClaudeAgent } from './claude-agent.js';

describe.each(storeEngines)('ClaudeAgent with audit PII detection on $name', (engine) => {
  it('stores interactions, feedback notes, approvals and operator reasons masked, and replies unmasked', async () => {
    const opened = await engine.open();
    try {
      const agent = new ClaudeAgent({
        tenantId: 'acme',
        agentId: 'desk',
        store: opened.store,
        runtime: new FunctionRuntime(async () => 'We will write to maria.lopez@example.com today.'),
        trust: { initial: 0.5, permissions: { 0.3: ['Read'] } },
        audit: { level: 'standard' },
      });
      const reply = await agent.handle({
        text: 'My card is 4111 1111 1111 1111, email maria.lopez@example.com',
      });
      expect(reply.text).toContain('maria.lopez@example.com');
      const stored = await opened.store.interactions.get('acme', reply.interactionId);
      expect(stored?.requestText).toBe('My card is [CARD], email [EMAIL]');
      expect(stored?.replyText).toBe('We will write to [EMAIL] today.');
      await agent.feedback(reply.interactionId, 'negative', 'call me on +44 20 7946 0958');
      expect((await opened.store.interactions.get('acme', reply.interactionId))?.feedback?.note).toBe(
        'call me on [PHONE]',
      );
      const trust = (await agent.trust())!;
      await trust.service.operatorAction(
        { tenantId: 'acme', agentId: 'desk' },
        { type: 'set', level: 0.4 },
        'ops',
        'customer maria.lopez@example.com asked',
      );
      const [change] = await trust.service.history({ tenantId: 'acme', agentId: 'desk' });
      expect(change?.reason).toBe('customer [EMAIL] asked');
      const approval = await trust.approvals.request({
        tenantId: 'acme',
        agentId: 'desk',
        interactionId: reply.interactionId,
        toolName: 'send_email',
        input: { to: 'maria.lopez@example.com', body: 'hello' },
        level: 0.4,
        requiredLevel: 0.6,
        timeoutMs: 60_000,
      });
      await trust.approvals.decide('acme', approval.id, 'deny', 'ops', 'no mail to maria.lopez@example.com');
      expect(await trust.approvals.get('acme', approval.id)).toMatchObject({
        input: { to: '[EMAIL]', body: 'hello' },
        note: 'no mail to [EMAIL]',
      });
      await agent.close();
    } finally {
      await opened.cleanup();
    }
  });
});
