/**
 * The held-out set: messages written after the recognizers were tuned on the others and never
 * tuned against, so their precision and recall estimate how the detector does on text it has not
 * seen. Same markup as labelled.ts.
 */
import { FAKE_SECRETS as SECRETS } from './fake-secrets.js';
import type { RawMessage } from './labelled.js';

export const heldOutRawMessages: RawMessage[] = [
  [
    'bakery',
    'good afternoon, could u do a 2 tier cake for 30 ppl on sat 14th? ill collect myself. ring me {{p:415 555 0193}} - {{n:debbie}}',
  ],
  ['bakery', "Hiya, it's {{n:Colm}}. Same as last week please - 6 baps, 2 barm cakes. Ta!"],
  ['bakery', 'Order 4471 ready? I paid online with card ending 1881, receipt #A-20240611-03.'],
  ['bakery', 'Please invoice Fernhill Primary School, {{a:19 Chapel Road}}, attention of the bursar.'],
  [
    'plumber',
    'Boiler pressure dropped to 0.5 bar overnight. Address: {{a:47 Kensington Gardens Square, London W2 4BA}}. Mob {{p:+44 7911 123456}}',
  ],
  [
    'plumber',
    'The radiator in the back bedroom is cold at the top. Engineer {{n:Steve}} said to bleed it but it did not help.',
  ],
  [
    'plumber',
    'Could you send the gas safety certificate to {{e:landlord.prop@btinternet.com}}? Cert no. 7712-3390-1145.',
  ],
  ['electrician', 'Quote #Q2024-0318 for the rewire was £4,850 + VAT. Can we split it in 3 payments?'],
  ['electrician', 'We are at {{a:2750 Peachtree Rd NE, Atlanta, GA 30305}}, ring the bell for unit 4.'],
  [
    'clinic',
    'patient: {{n:Hernandez, Luis}}  dob {{d:1966-08-02}}  ph {{p:(305) 555-0117}}  reason: follow up',
  ],
  [
    'clinic',
    'My daughter {{n:Amelia}} needs her vaccination record for school, she was born {{d:Sept 9 2015}}.',
  ],
  ['clinic', 'SSN: {{s:402-71-3356}}\nInsurer: BlueShield PPO\nGroup: {{hp:00447812}}'],
  ['clinic', 'Can you fax the referral to {{p:212-555-0199}}? Dr. {{n:Feldman}} office is waiting.'],
  ['dental', 'I got a text from 32665 about my appointment, is that you? It says confirm by replying Y.'],
  ['dental', 'Please remove my old card and use {{c:4000 0000 0000 0002}} instead for the payment plan.'],
  [
    'vet',
    'Rex (chip 941000024567812) is booked for 2pm on 07/03/2024. Owner {{n:Gemma Lawson}}, {{p:07911 123456}}.',
  ],
  ['vet', 'Cat food order: 3 x Royal Canin 2kg, SKU RC-22871, total $74.97.'],
  [
    'retail',
    "hi i'm {{n:jade}} and my order hasn't arrived!! order no 100945 email {{e:jadeXO_99@hotmail.co.uk}}",
  ],
  ['retail', 'I was double charged: {{c:5200 8282 8282 8210}} on 5/14 and again 5/15. Please fix ASAP.'],
  ['retail', 'Our store at {{a:1200 6th Avenue}} needs 40 more units of item 40021-B before the weekend.'],
  ['retail', 'Returns go to {{a:Unit 7, Riverside Industrial Estate, Dartford DA1 5PY}}.'],
  ['retail', 'Thanks for the fast delivery!\n\n— {{n:Kofi Boateng}}'],
  ['retail', 'Bank: Rabobank, IBAN {{i:NL44 RABO 0123 4567 89}}, please refund the deposit there.'],
  [
    'retail',
    'The price tag says 19.99 but the register rang up 24.99, and the receipt number is 0042-1187-2291-0045.',
  ],
  [
    'services',
    'Our Wordpress admin is https://shop.example.com/wp-admin, login admin / {{k:Summer2024!}} — can you update the plugins?',
  ],
  ['services', `Found this in the logs: Authorization: Bearer {{k:${SECRETS.jwt}}}`],
  ['services', 'DB string: {{u:mysql://root:toor123@10.0.0.5}}/orders'],
  ['services', 'Error 403 from {{ip:52.14.201.9}} when syncing. Build 2024.06.11.2 of the plugin.'],
  ['services', `openai key: {{k:${SECRETS.openAiKey}}}`],
  ['services', 'Customer IP {{ip:89.187.162.44}} placed 14 orders in 2 minutes, looks like fraud.'],
  ['services', 'Hello Mr {{n:Okonkwo}}, your tax documents are ready. Your reference is 2024-TX-00871.'],
  [
    'services',
    'For payroll: {{n:Jennifer Walsh}}, SSN {{s:573-18-2204}}, born {{d:June 2, 1991}}, {{a:88 Bayview Terrace, Apt 2, Seattle, WA 98121}}.',
  ],
  [
    'services',
    'Please transfer the balance to my German account {{i:DE44 5001 0517 5407 3249 31}} — thanks, {{n:Jonas}}',
  ],
  [
    'services',
    'The pin for the alarm is in the welcome pack; the wifi code is {{k:BlueFrog88}} (capital B and F).',
  ],
  ['salon', 'Can {{n:Priyanka}} do my highlights on Thursday? Last time was perfect x'],
  ['salon', 'Cancel my 3:30 please, something came up. {{n:Lauren}} (the one with the long red hair lol)'],
  ['gym', 'I froze my membership on 02/01/2024 but was still charged £39.99 on 03/01/2024 and 04/01/2024.'],
  [
    'gym',
    'New member: {{n:Oluwaseun Adeyemi}}, {{e:seun.adeyemi@gmail.com}}, {{p:+234 803 123 4567}}, DOB {{d:21/11/1995}}.',
  ],
  [
    'florist',
    'Deliver to Mrs. {{n:Harriet Cole}}, {{a:12 Linden Ave, Oak Park, IL 60302}}, card to say "Get well soon, Gran".',
  ],
  ['florist', 'May 12 is Mothering Sunday, will you be open? April showers bring May flowers haha.'],
  [
    'catering',
    'Final numbers: 85 adults, 12 kids. Ref EVT-0924-CHEN. Contact: {{n:Wei Chen}} {{p:+86 138 0013 8000}}',
  ],
  [
    'catering',
    'Can you invoice in euros? VAT ID DE123456789, our address is {{a:Friedrichstraße 123, 10117 Berlin}}.',
  ],
  ['garage', 'MOT certificate number 4471 2290 3312 and mileage 61,203. Can you book a service on the 20th?'],
  [
    'garage',
    "Hi guys, I'm {{n:Raj}}, picked up the car yesterday and the rattle is back. {{p:(972) 555-0144}}",
  ],
  ['garage', 'Pay by bank transfer? Sort code 20-00-00, account 55779911, name {{n:T. Greenwood}}.'],
  // Medical record numbers and health-plan ids: written before their recognizers, never tuned on.
  [
    'clinic',
    'hi, new pt here. mrn on my discharge papers is {{mr:0048-2291}} (from st marys), need my records sent over',
  ],
  [
    'clinic',
    'my insurance card says member id {{hp:ZGP904418273}} and grp {{hp:0081442}}? not sure which u need',
  ],
  ['pharmacy', 'rx not covered?? my medicare number is {{hp:1EG4-TE5-MK73}}, pls check again'],
  ['dental', 'Patient #: {{mr:77120}} - can i move my cleaning to next tues'],
  [
    'pharmacy',
    'order 88214-77 shipped? tracking 9400 1000 0000 0000 0000 00 said out for delivery 2 days ago',
  ],
  ['clinic', 'Hello, the hospital gave me hospital no. {{mr:H20487731}} for the follow up, do you need it?'],
  ['gym', 'member no. 440921, can i pause for 2 months? broke my wrist lol'],
  ['clinic', 'policy # {{hp:HMO-2231-8890}} is for my husband {{n:Declan}}, he is on my plan'],
  ['clinic', 'invoice INV-2024-0419 for my physio sessions, paid by transfer, ref 88213'],
  ['vet', 'pet insurance policy number PETP-448120 for Biscuit, the claim is for the x-ray'],
];
