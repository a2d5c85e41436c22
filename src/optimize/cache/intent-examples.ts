/**
 * The built-in intents for rule caching (`{ pattern: 'greeting', response }`): requests a small
 * business hears every day whose answer does not depend on who asks. Each is defined by example
 * utterances, which the embedder matches against, and a regular expression for the exact fast path.
 */

/** An intent that cache rules can name. */
export interface IntentDefinition {
  /** The name rules use in `pattern`, e.g. `greeting`. */
  name: string;
  /** Example utterances; a request matches when its nearest example is similar enough. */
  examples: string[];
  /** Fast path on the normalised request (see normalizeRequest); a match scores 1. */
  pattern?: RegExp;
  /**
   * `whole`: the intent must cover the whole message, so "hi, my card was stolen" is not a greeting.
   * `question`: the message may phrase the question its own way but must not add another subject.
   */
  coverage: 'whole' | 'question';
}

export const BUILT_IN_INTENTS: readonly IntentDefinition[] = [
  {
    name: 'greeting',
    coverage: 'whole',
    pattern:
      /^(?:(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening|day))(?: there| all| everyone| team| folks| guys| friend)?)(?: (?:hi|hello|hey))?$/,
    examples: [
      'hi',
      'hello',
      'hey',
      'hey there',
      'hi there',
      'hello there',
      'hiya',
      'howdy',
      'greetings',
      'good morning',
      'good afternoon',
      'good evening',
      'hello everyone',
      'hi team',
      'hey, how are you?',
      'hello, how are you doing?',
      "hi, how's it going?",
      'morning!',
      'hello hello',
      'yo',
    ],
  },
  {
    name: 'thanks',
    coverage: 'whole',
    pattern:
      /^(?:(?:many |a lot of |big )?thanks?(?: you)?(?: (?:so|very) much| a lot| a bunch| again| heaps| loads)?|thx|ty|cheers|much appreciated|(?:i |really )?appreciate (?:it|that|your help))$/,
    examples: [
      'thanks',
      'thank you',
      'thanks a lot',
      'thank you so much',
      'thank you very much',
      'many thanks',
      'thanks again',
      'cheers',
      'much appreciated',
      'i appreciate it',
      'thanks for your help',
      'thank you for the help',
      'thanks, that helps',
      'great, thanks!',
      'perfect, thank you',
      'that was helpful, thanks',
      'awesome thanks',
      'thx',
      'ty',
      'thanks so much for your help',
    ],
  },
  {
    name: 'goodbye',
    coverage: 'whole',
    pattern:
      /^(?:(?:ok(?:ay)? )?(?:bye|goodbye|good bye|bye bye|see you|see ya|later|take care|have a (?:good|nice|great) (?:day|one|evening|night|weekend)|good night|farewell)(?: now| then| later| soon)?)$/,
    examples: [
      'bye',
      'goodbye',
      'bye bye',
      'see you',
      'see you later',
      'see you soon',
      'take care',
      'have a nice day',
      'have a good day',
      'have a great weekend',
      'good night',
      'talk to you later',
      "that's all, bye",
      "that's all for now, goodbye",
      'ok bye',
      'catch you later',
      'farewell',
      'thanks, bye',
      'cheers, bye',
      'i have to go now, bye',
    ],
  },
  {
    name: 'opening_hours',
    coverage: 'question',
    pattern:
      /^(?:what are your (?:opening |business )?hours|(?:what time|when) do you (?:open|close)|when are you open|are you open (?:now|today)|what are your opening times|opening hours)$/,
    examples: [
      'what are your opening hours?',
      'what time do you open?',
      'what time do you close?',
      'when are you open?',
      'what are your hours?',
      'are you open now?',
      'are you open today?',
      'when do you open?',
      'when do you close?',
      'what are your business hours?',
      'how late are you open?',
      'what time does the shop open?',
      'what are your opening times?',
      'until what time are you open?',
      'opening hours please',
      'are you open on weekends?',
      'what time do you close today?',
      'when does the store open?',
      'how early do you open?',
      'what hours are you open?',
    ],
  },
  {
    name: 'location',
    coverage: 'question',
    pattern:
      /^(?:where are you(?: located)?|what is your address|whats your address|where is (?:the|your) (?:shop|store|office))$/,
    examples: [
      'where are you located?',
      'what is your address?',
      "what's your address?",
      'where is the shop?',
      'where is your store?',
      'how do I get to you?',
      'where can I find you?',
      'where is your office?',
      'directions to your shop please',
      'what is the address of the store?',
      'where are you?',
      'how do I find your location?',
      'is there parking near you?',
      'which street are you on?',
      'where exactly is the shop?',
      'can you send me your address?',
    ],
  },
  {
    name: 'contact',
    coverage: 'question',
    pattern:
      /^(?:what is your (?:phone|telephone) number|whats your phone number|how can i contact you|what is your email(?: address)?)$/,
    examples: [
      'what is your phone number?',
      "what's your phone number?",
      'how can I contact you?',
      'what is your email?',
      'what is your email address?',
      'how do I reach you?',
      'can I call you?',
      'how can I get in touch?',
      'what number can I call?',
      'do you have a phone number?',
      'how do I contact customer service?',
      'can I speak to someone?',
      'is there an email I can write to?',
      'how can I reach the owner?',
      'contact details please',
    ],
  },
  {
    name: 'payment_methods',
    coverage: 'question',
    pattern:
      /^(?:what payment methods do you accept|do you (?:accept|take) (?:cards|credit cards|card)|can i pay by card)$/,
    examples: [
      'what payment methods do you accept?',
      'do you accept credit cards?',
      'do you take cards?',
      'can I pay by card?',
      'can I pay with cash?',
      'do you take cash?',
      'do you accept Apple Pay?',
      'can I pay contactless?',
      'how can I pay?',
      'which cards do you accept?',
      'do you accept PayPal?',
      'can I pay by bank transfer?',
      'is cash only?',
      'do you take debit cards?',
      'what forms of payment do you take?',
    ],
  },
];
