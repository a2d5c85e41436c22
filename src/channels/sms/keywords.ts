/** Twilio's standard opt-out keywords and their synonyms: a message whose whole body is one of them. */

export type SmsKeyword = 'stop' | 'start' | 'help';

const keywordOf: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

/**
 * The keyword a message is, when its whole body (case, surrounding spaces and final punctuation aside) is one;
 * "stop by tomorrow" is a message, not an opt-out.
 *
 * @example
 * smsKeywordOf(' Stop. ') // 'stop'
 * smsKeywordOf('please stop the order') // undefined
 */
export function smsKeywordOf(body: string): SmsKeyword | undefined {
  const word = body
    .trim()
    .replace(/[.!?]+$/u, '')
    .toUpperCase();
  return Object.hasOwn(keywordOf, word) ? keywordOf[word] : undefined;
}
