/**
 * Labelled messages to salons, accountants, IT helpers, cleaners and tutors, heavy on secrets,
 * IP addresses and URLs with credentials. See labelled.ts for the markup.
 */
import { FAKE_SECRETS as SECRETS } from './fake-secrets.js';
import type { RawMessage } from './labelled.js';

export const servicesMessages: RawMessage[] = [
  [
    'it-support',
    `Hi, our shop website stopped taking orders. The Stripe key in the config is {{k:${SECRETS.stripeSecretKey}}}, maybe it expired?`,
  ],
  [
    'it-support',
    `I pasted our Anthropic key by mistake in the chatbot settings: {{k:${SECRETS.anthropicKey}}}. Can you rotate it?`,
  ],
  ['it-support', `The deploy failed with token {{k:${SECRETS.githubToken}}}, is it the wrong scope?`],
  ['it-support', `Here is the Slack bot token for the order alerts: {{k:${SECRETS.slackBotToken}}}`],
  [
    'it-support',
    `AWS access key {{k:${SECRETS.awsAccessKey}}} keeps getting AccessDenied on the backups bucket.`,
  ],
  ['it-support', `Google Maps on the contact page shows an error, key {{k:${SECRETS.googleApiKey}}}.`],
  [
    'it-support',
    `The booking widget request fails with Authorization: Bearer {{k:${SECRETS.bearerToken}}} and a 401.`,
  ],
  ['it-support', `The session cookie is {{k:${SECRETS.jwt}}} if that helps debugging.`],
  [
    'it-support',
    'The database backup job uses {{u:postgres://admin:s3cretPass@db.example.com}}:5432/shop and it times out.',
  ],
  [
    'it-support',
    'Our old FTP is {{u:ftp://bakery:Flour2024@ftp.sweetcrumbs.com}}/uploads, can you move the photos?',
  ],
  [
    'it-support',
    'Intranet link for the staff rota: {{u:https://staff:CakeTime99@intranet.example.org}}/schedule',
  ],
  [
    'it-support',
    'The POS server is at {{ip:10.0.0.12}} and the printer at {{ip:10.0.0.31}}. Neither responds since the update to 5.1.2.',
  ],
  [
    'it-support',
    'Customers from {{ip:198.51.100.7}} keep getting blocked by the firewall, is that our ISP range?',
  ],
  ['it-support', 'Please whitelist {{ip:192.0.2.15}} and {{ip:2001:db8::1:0:0:1}} for the payment terminal.'],
  ['it-support', `Our API key is {{k:${SECRETS.randomKey}}}, the integration partner asked for it.`],
  [
    'it-support',
    'The order id in the webhook is 550e8400-e29b-41d4-a716-446655440000 and it never shows up in the dashboard.',
  ],
  [
    'it-support',
    'Tracking link https://track.example.com/pkg?id=TBA123456789000&lang=en is broken on mobile.',
  ],
  ['it-support', `Client secret for the accounting sync: {{k:${SECRETS.randomSecret}}}`],
  [
    'it-support',
    'Login for the booking admin is user: frontdesk, password: {{k:Tulip#778}}. Please change it after.',
  ],
  ['it-support', 'My password is not working on the staff portal and the reset email never arrives.'],
  ['it-support', `Two keys leaked in the repo: {{k:${SECRETS.openAiKey}}} and {{k:${SECRETS.githubPat}}}.`],
  ['it-support', 'The router at home is {{ip:172.16.4.20}}, I connect over VPN from there.'],
  [
    'salon',
    "Hi, I'm {{n:Chloe Dubois}}, can I move my colour appointment from 2024-06-07 to the week after? My number is {{p:+33 1 42 68 53 00}}.",
  ],
  ['salon', 'Booking for {{n:Marcus}} at 2:30 on Friday, cut and beard trim, $45.'],
  ['salon', "Hey, it's {{n:Tasha}} here, running 10 minutes late!"],
  ['salon', 'Gift voucher GV-00017 expires 12/31/2024, can I extend it?'],
  [
    'accounting',
    "For the tax return I need the SSN for both of us: mine is {{s:287-65-4321}} and my wife's is {{s:301-22-9876}}.",
  ],
  [
    'accounting',
    'My employer ID (EIN) is 12-3456789, and our office is at {{a:500 Market St, Suite 700, San Francisco, CA 94105}}.',
  ],
  [
    'accounting',
    'Please refund the overpayment to {{i:IT60 X054 2811 1010 0000 0123 456}} (my Italian account), reference 2024/118.',
  ],
  ['accounting', 'The quarterly estimate of $3,412.50 was paid on 04/15/2024, confirmation 8841-2201-7734.'],
  [
    'accounting',
    "I'm {{n:Victoria Ashworth}}, date of birth {{d:09/30/1974}}, SSN {{s:455-81-2067}}. Please start my file.",
  ],
  [
    'accounting',
    'Our Belgian supplier gave us {{i:BE68 5390 0754 7034}} for the invoice, is that enough to pay them?',
  ],
  [
    'cleaning',
    'Weekly clean at {{a:2211 Sunset Blvd, Apt 3, Los Angeles, CA 90026}}, key is in the lockbox, code 4471.',
  ],
  [
    'cleaning',
    'Hello, {{n:Irina}} here. The cleaner broke a vase, it was worth about $120. Can we talk? {{p:(213) 555-0155}}',
  ],
  ['cleaning', 'Regards,\n{{n:Patrick Doyle}}\nDoyle & Sons\n{{e:patrick@doyleandsons.ie}}'],
  ['tutoring', 'My son {{n:Ethan}} was born on {{d:the 3rd of May 2011}}, which level should he start with?'],
  ['tutoring', 'Please bill the sessions to {{c:2223 0031 2200 3222}}, 8 sessions at $55.'],
  [
    'tutoring',
    "Hi {{n:Ms. Kaur}}, {{n:Noah}} can't make Thursday's session, he has a dentist appointment on 05/16/2024.",
  ],
  ['tutoring', 'The Zoom link wants a passcode, the passcode is {{k:48Kd92}}. Meeting ID 812 3456 7890.'],
  [
    'it-support',
    'New hire {{n:Sam Okoro}} needs an account, personal email {{e:sam.okoro@fastmail.com}}, start date 07/08/2024.',
  ],
  ['it-support', 'Send the Swiss payroll to {{i:CH93 0076 2011 6238 5295 7}}, staff number 4471.'],
  [
    'it-support',
    `Webhook secret {{k:whsec_Xy7Pq2Lm9Rt4Kw8Nb3Cv6Hj1}} is in the env file, and the Slack user token {{k:${SECRETS.slackUserToken}}} too.`,
  ],
  [
    'it-support',
    'The mail server relay is {{u:smtp://orders:Mail2024!@smtp.example.com}}:587, sending fails with 535.',
  ],
  ['salon', 'Best wishes,\n{{n:Ana Lucía Gómez}}'],
  [
    'cleaning',
    'Move-out clean at {{a:64 Elm Ct, Madison, WI 53703}} on 08/30/2024, 3 bedrooms, about 1,400 sq ft.',
  ],
];
