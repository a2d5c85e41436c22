/** Recorded requests of three kinds and their answers, for Learn's tests. */
export const hoursReply = 'We are open Monday to Friday, 9am to 5pm.';
export const hoursRequests = [
  'what are your opening hours',
  'when are you open',
  'what time do you open',
  'opening hours please',
  'what are your hours of opening',
  'when do you open on weekdays',
  'tell me your opening hours',
  'are you open now, what are the hours',
  'what hours are you open',
  'what time do you open and close',
  'which hours are you open',
  'hours of opening?',
  'when is the shop open',
  'your opening times and hours?',
  'when are you open in the week',
];
export const refundReply = 'Refunds are paid to your card within 5 working days.';
export const refundRequests = [
  'how long does a refund take',
  'when will I get my refund',
  'refund timing?',
  'how many days until my refund arrives',
  'where is my refund',
  'my refund has not arrived yet',
  'how long do refunds take to arrive',
  'refund still missing after days',
  'when does the refund arrive',
  'how long until refund',
  'days for a refund to arrive',
  'is my refund on the way',
];
export const shippingReply = 'Standard shipping takes 3 to 5 days.';
export const shippingRequests = [
  'how long does shipping take',
  'shipping time?',
  'how many days for shipping',
  'when will my order ship',
  'shipping takes how long',
  'how fast is standard shipping',
  'delivery and shipping times',
  'days for shipping',
  'standard shipping duration',
  'how long is shipping to arrive',
  'how quick is the shipping',
  'shipping duration please',
];

/**
 * The optimization the Learn tests run with: no cache (so every repeat reaches the pattern tier, where
 * learned handlers serve), patterns observed but never served on their own.
 */
export const learnOptimization = {
  enableCache: false,
  fallback: ['pattern' as const, 'intelligent' as const],
  patterns: { autoDetect: false },
};

/** `learning.patterns` of the Learn tests: the clusters above (12–15 requests each) are candidates. */
export const learnPatterns = { minOccurrences: 10, confidenceThreshold: 0.85, timeWindow: '7d' };
