/** Conversations belong to their customer: signed conversation tokens, and the customer of a request. */
export {
  type ConversationScope,
  ConversationTokens,
  conversationTokenPurpose,
  senderCustomer,
} from './conversation-tokens.js';
export {
  customerOfFeedback,
  customerOfMessage,
  type MessageCaller,
  type MessageCustomer,
} from './customer-of-request.js';
