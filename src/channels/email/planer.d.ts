/** Types for `planer` (no published types): the plain-text quoted-reply extractor we use. */
declare module 'planer' {
  /** The reply without its quotation; `text/html` needs a DOM `Document`, which the server has none of. */
  export function extractFrom(messageBody: string, contentType: 'text/plain'): string;
  const planer: { extractFrom: typeof extractFrom };
  export default planer;
}
