/**
 * Labelled messages to online shops, B&Bs, gyms and pet groomers, written to widen the formats of
 * the rarer types (IBANs, SSNs, birth dates, IPs, URLs with credentials). See labelled.ts.
 */
import { FAKE_SECRETS as SECRETS } from './fake-secrets.js';
import type { RawMessage } from './labelled.js';

export const mixedMessages: RawMessage[] = [
  [
    'online-shop',
    'Refund please to {{i:AT61 1904 3002 3457 3201}}, the parcel never arrived (tracking JD014600003812345678).',
  ],
  ['online-shop', 'IBAN: {{i:IE29AIBK93115212345678}}\nBIC: AIBKIE2D\nAccount holder: {{n:Siobhan Murphy}}'],
  [
    'online-shop',
    'My Polish account for the return: {{i:PL61 1090 1014 0000 0712 1981 2874}}. Order 2024/11/0087.',
  ],
  [
    'online-shop',
    'Can you pay the affiliate commission to {{i:SE45 5000 0000 0583 9825 7466}}? The amount was 1 250 SEK.',
  ],
  ['online-shop', 'Bank details for the refund: {{i:DK50 0040 0440 1162 43}} (Danske Bank).'],
  [
    'online-shop',
    'I typed my IBAN as GB82 WEST 1234 5698 7654 33 but the bank says it is invalid. Which digit is wrong?',
  ],
  ['online-shop', 'Paid with {{c:4111111111111111}} on the website, the confirmation page showed error 500.'],
  ['online-shop', 'Please update the card on my subscription to {{c:5555-5555-5555-4444}}.'],
  ['online-shop', 'Diners Club {{c:3056 9309 0259 04}} is declined every time, do you accept it?'],
  ['online-shop', 'My UnionPay card {{c:6200 0000 0000 0005}} works everywhere else.'],
  ['online-shop', 'Customer since 2019, email {{e:Mary.Smith@Example.COM}}, order value €1.249,00.'],
  [
    'online-shop',
    'Contact our warehouse team at {{e:returns@eu.warehouse.shop-example.de}} for the return label.',
  ],
  [
    'bnb',
    'We arrive on 06/21/2024 and leave 06/24/2024. Guest names: {{n:Pierre Lambert}} and {{n:Camille Lambert}}.',
  ],
  ['bnb', 'For the registration form: {{n:Pierre Lambert}}, born {{d:14/02/1980}}, passport on arrival.'],
  ['bnb', 'Date of Birth: {{d:Feb 14, 1982}}\nNationality: French\nPhone: {{p:+33 6 12 34 56 78}}'],
  ['bnb', 'The door code 2580 did not work at 11pm, we waited outside for 40 minutes.'],
  [
    'bnb',
    'The router admin page is at http://{{ip:192.168.0.1}} and the guest wifi password: {{k:SeaView-2024}}',
  ],
  [
    'gym',
    'Membership form: name {{n:Kwame Mensah}}, d.o.b. {{d:3.7.1988}}, SSN {{s:611-20-4478}} for the corporate discount.',
  ],
  ['gym', 'My SSN is {{s:498 22 1039}} and my member number is 220045. Why was I billed twice?'],
  ['gym', 'The class on 09/14/2024 was cancelled with no notice. Regards, {{n:Tiffany Brooks}}'],
  [
    'gym',
    "Your app leaks data! The API answered my phone from {{ip:81.2.69.142}} with someone else's profile.",
  ],
  [
    'gym',
    'Login attempts from {{ip:2a02:c7f:d25e:3b00:5de1:1a2f:9b6c:4e10}} are not mine, please lock my account.',
  ],
  [
    'gym',
    'The booking system uses {{u:mongodb+srv://gymadmin:Lift4Ever@cluster0.ab12c.mongodb.net}}/members and it is very slow.',
  ],
  ['gym', 'Queue broker is {{u:amqp://classes:Sp1nCl4ss@mq.internal.example}}:5672, the reminders stopped.'],
  ['pet-groomer', 'My dog was born on 11/02/2021 and is due for his shots, can you groom him the same week?'],
  ['pet-groomer', 'Hi {{n:Becky}}! Can Max come in on Saturday at 10? He needs a full groom.'],
  ['pet-groomer', 'Pick up address: {{a:91 Larkspur Ln, Naperville, IL 60540}}. Gate code 1190.'],
  ['pet-groomer', 'We moved, the new address is {{a:5 Kingfisher Close, Leeds LS6 2QT}}.'],
  [
    'online-shop',
    `Our developer left the key {{k:${SECRETS.stripeRestrictedKey}}} in the theme files, is that dangerous?`,
  ],
  [
    'online-shop',
    `I connected the shop to GitHub with {{k:${SECRETS.githubOauthToken}}}, now the sync fails.`,
  ],
  [
    'online-shop',
    'The cache server at {{u:redis://:Cach3Pa55@10.1.4.7}}:6379 is refusing connections after the update to 7.2.4.',
  ],
  ['online-shop', 'Please whitelist our office IP {{ip:203.0.113.201}} for the admin panel.'],
  ['bnb', 'Send the invoice to {{a:PO Box 4471}}, Bar Harbor. Thanks, {{n:Walt}}'],
  ['gym', 'Personal trainer {{n:Diego Ramírez}} was amazing, please pass on my thanks.'],
  [
    'gym',
    'Membership number 445521, I want to cancel. Also my gym member ID 88120-B stopped working at the door.',
  ],
  ['online-shop', 'Group booking for 12 people, group number 4471-22, order #100233. Invoice to follow?'],
];
