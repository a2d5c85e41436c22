/** Labelled messages to plumbers, electricians, landscapers and garages. See labelled.ts for the markup. */
import type { RawMessage } from './labelled.js';

export const tradesMessages: RawMessage[] = [
  [
    'plumber',
    'Hi, my kitchen sink is leaking under the cabinet. I live at {{a:402 Pine Rd, Austin, TX 78704}}. Please call {{p:512-555-0119}} before coming.',
  ],
  [
    'plumber',
    'This is {{n:Karen Mitchell}} from unit 3, the water heater is making a banging noise again. Same as ticket 48213 last month.',
  ],
  [
    'plumber',
    'Your invoice 2024-0387 lists 3.5 hours but the plumber was here for 2. Can you check? Thanks,\n{{n:Greg Novak}}',
  ],
  [
    'plumber',
    'Emergency! Burst pipe in the basement at {{a:1234 SE Division St, Portland, OR 97202}}. My number is {{p:971-555-0177}}.',
  ],
  [
    'plumber',
    'Please charge my Visa {{c:4242 4242 4242 4242}} for the callout fee. Exp 11/26, CVV I will give on the phone.',
  ],
  ['plumber', 'The part number on the old valve is 6010-2233-4455-6679, do you stock it? Quote ref Q-88120.'],
  [
    'plumber',
    'Can your guy come between 9 and 5 on 04/18/2024? The gate code is 4821 and the dog is friendly.',
  ],
  [
    'electrician',
    "Hello, I'm {{n:Dev Patel}} and I need three new outlets in the garage. Address is {{a:9 Harbor View Dr, Portland, ME 04101}}.",
  ],
  [
    'electrician',
    'Breaker keeps tripping when the dryer runs. The panel is a 200A model, serial 7719-004512. Call me on {{p:(207) 555-0188}}.',
  ],
  [
    'electrician',
    'Good morning {{n:Sandra}}, the permit number is BLD-2024-11873 and the inspection is booked for 06/03/2024.',
  ],
  ['electrician', 'Regards,\n{{n:Marcus Bell}}\nBell Property Management\n{{p:+1 (303) 555-0124}}'],
  [
    'electrician',
    'For the smart panel setup the installer needs the router login. It is admin / password: {{k:Bl0ssom!2024}}. The router IP is {{ip:192.168.1.254}}.',
  ],
  [
    'landscaping',
    'Hi team, we want the hedges trimmed and 2 yards of mulch at {{a:77 Massachusetts Ave, Cambridge, MA 02139}}. Budget is about $850.',
  ],
  [
    'landscaping',
    'Dear Sir or Madam, I am writing to cancel the weekly mowing from 07/01/2024. Account 100045821.',
  ],
  [
    'landscaping',
    'Can you quote for 40 sq ft of paving? ZIP 94103-1234. Email me at {{e:dana.whitfield@icloud.com}}.',
  ],
  [
    'landscaping',
    'My name is {{n:Ahmed Hassan}}, the sprinkler system you installed at {{a:310 W 42nd St, New York, NY 10036}} stopped working.',
  ],
  ['landscaping', 'Thanks, Will do. I will leave the side gate open on Tuesday.'],
  [
    'garage',
    'My car is a 2018 Civic, VIN 2HGFC2F59JH512345, and the check engine light is on. Phone {{p:(404) 555-0102}}.',
  ],
  [
    'garage',
    "Hi, it's {{n:Nora Lindqvist}} again, did the part arrive? You said order 55120934 would be in by Thursday.",
  ],
  [
    'garage',
    'I paid with Mastercard {{c:5105 1051 0510 5100}} but the receipt shows a different amount, $412.87 instead of $389.00.',
  ],
  [
    'garage',
    'Please send the estimate to {{e:r.oyelaran@proton.me}} instead of my work address. Mileage is 84,512.',
  ],
  ['garage', 'The tyre pressure should be 35 psi front and 33 rear right? The manual says 2.4 bar.'],
  ['plumber', 'Best,\n{{n:Elena Petrova}}\nSent from my iPhone'],
  ['plumber', 'I was quoted 1200 for the repipe, invoice number 000451237 says 1450. Which one is right?'],
  [
    'electrician',
    'Hello {{n:Jamal}}, thanks for the quick fix yesterday. Can you also look at the porch light next visit?',
  ],
  [
    'garage',
    'For the fleet account please use our company card {{c:6011 1111 1111 1117}}, billing contact {{e:fleet@harborlogistics.com}}.',
  ],
  [
    'landscaping',
    'Sorry for the late payment. I sent it by bank transfer from {{i:NL91 ABNA 0417 1643 00}} yesterday, reference LAWN-0424.',
  ],
  [
    'plumber',
    'Our rental property is at {{a:88 Queen Street West, Toronto, ON M5H 2N2}}, the tenant {{n:Olivia Chen}} will let you in.',
  ],
  ['garage', 'Booked the MOT for 10/02/2024 at 8:30. Reg number is AB12 CDE. Can I wait in the shop?'],
  [
    'electrician',
    'EV charger install: the app pairing code is 839-201 and the charger firmware shows 4.2.0.1. Is that the latest?',
  ],
  [
    'plumber',
    'Hi, I think you have my old number. The new one is {{p:+44 20 7946 0958}}. I moved to London last spring.',
  ],
  ['landscaping', 'Warm regards,\n{{n:Mary-Jane Watts}}'],
  [
    'garage',
    'For the windshield claim my car insurance policy number is AUT-55120-77, the adjuster will call you.',
  ],
  [
    'garage',
    'Work order WO-448120, parts invoice 88120-B, and the tracking number for the bumper is 1Z999AA10123456784.',
  ],
];
