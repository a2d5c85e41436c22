/** Contacts: a tenant's customer known by identities on several channels, and the one-time codes that link them. */
export {
  CONTACTS_AGENT_ID,
  type Contact,
  type ContactAuditSink,
  type ContactPage,
  Contacts,
  type ContactsOptions,
  contactNotFound,
  type LinkedBy,
} from './contacts.js';
export {
  channelOfKind,
  contactConversationIdOf,
  type Identity,
  type IdentityKind,
  identityKinds,
  identityOfMessage,
  maskedIdentity,
  normalizeIdentity,
} from './identity.js';
export {
  type CodeOutcome,
  codeOfMessage,
  type IssuedCode,
  type LinkCodeRequest,
  LinkCodes,
  type LinkCodesOptions,
  linkCodeKeyPurpose,
} from './link-codes.js';
