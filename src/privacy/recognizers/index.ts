/** The built-in recognizers, one per PII family, in the order the detector runs them. */
import type { PiiRecognizer } from '../types.js';
import { dateOfBirthRecognizer } from './date-of-birth.js';
import { emailRecognizer } from './email.js';
import { healthPlanIdRecognizer } from './health-plan-id.js';
import { ibanRecognizer } from './iban.js';
import { ipAddressRecognizer } from './ip-address.js';
import { medicalRecordNumberRecognizer } from './medical-record-number.js';
import { paymentCardRecognizer } from './payment-card.js';
import { personNameRecognizer } from './person-name.js';
import { phoneRecognizer } from './phone.js';

export { createPhoneRecognizer, type PhoneRecognizerOptions } from './phone.js';

import { secretRecognizer } from './secret.js';
import { streetAddressRecognizer } from './street-address.js';
import { urlCredentialsRecognizer } from './url-credentials.js';
import { usSsnRecognizer } from './us-ssn.js';

export const builtInRecognizers: readonly PiiRecognizer[] = [
  emailRecognizer,
  urlCredentialsRecognizer,
  secretRecognizer,
  paymentCardRecognizer,
  usSsnRecognizer,
  ibanRecognizer,
  ipAddressRecognizer,
  phoneRecognizer,
  dateOfBirthRecognizer,
  medicalRecordNumberRecognizer,
  healthPlanIdRecognizer,
  streetAddressRecognizer,
  personNameRecognizer,
];

export {
  dateOfBirthRecognizer,
  emailRecognizer,
  healthPlanIdRecognizer,
  ibanRecognizer,
  ipAddressRecognizer,
  medicalRecordNumberRecognizer,
  paymentCardRecognizer,
  personNameRecognizer,
  phoneRecognizer,
  secretRecognizer,
  streetAddressRecognizer,
  urlCredentialsRecognizer,
  usSsnRecognizer,
};
