/** Labelled messages to shops: boutiques, bookstores, bike shops, florists, hardware. See labelled.ts. */
import type { RawMessage } from './labelled.js';

export const retailMessages: RawMessage[] = [
  [
    'boutique',
    'Hi! I ordered the linen dress in size M (order #100871) and got an L. Can I swap it? My email is {{e:zoe.martin@hotmail.fr}}.',
  ],
  [
    'boutique',
    'Please ship the exchange to {{a:1600 Pennsylvania Ave NW, Washington, DC 20500}}. Thanks,\n{{n:Zoë Martin}}',
  ],
  [
    'boutique',
    'The discount code SPRING2024SAVE20 does not work at checkout, it says invalid. Cart total $129.99.',
  ],
  [
    'boutique',
    'Card number {{c:4000 0566 5566 5556}}, I would like to pay the remaining balance for the layaway.',
  ],
  ['boutique', 'I tried to pay with 4111 1111 1111 1112 and it was declined, did I type it wrong?'],
  [
    'bookstore',
    'Do you have ISBN 978-0-14-312854-0 in stock? If so please hold it for {{n:Arjun Mehta}}, I can come Thursday.',
  ],
  [
    'bookstore',
    'My book club order (12 copies, SKU BK-22871-PB) should arrive at {{a:18 Orchard Lane}}. Call me at {{p:(617) 555-0149}} if there are problems.',
  ],
  [
    'bookstore',
    'Is the author signing on 04/27/2024 still happening? Chapter 7.2.1 of the guide mentions it.',
  ],
  [
    'bookstore',
    'Hey {{n:Ben}}, the special order for {{n:Hilary Mantel}} is here whenever you want to pick it up.',
  ],
  [
    'bike-shop',
    "Hello, I'm {{n:Lukas Weber}}, the e-bike I bought has a battery fault. Frame number WTU 123 C4567 E. Firmware v2.4.1.7.",
  ],
  ['bike-shop', 'The service booking confirmation 7946 4567 1234 says tomorrow but I asked for next week.'],
  [
    'bike-shop',
    'Can I pay the deposit by SEPA transfer? My IBAN is {{i:FR14 2004 1010 0505 0001 3M02 606}}.',
  ],
  [
    'bike-shop',
    'The bike computer connects to {{ip:2001:db8:85a3::8a2e:370:7334}} and fails, the app log says timeout after 30s.',
  ],
  ['bike-shop', 'My partner {{n:Jess}} will collect the bike, she has the receipt number 2024-004512.'],
  [
    'florist',
    'I want to send a bouquet to my mother for her birthday on 05/19. Her address is {{a:27 Willow Way, Savannah, GA 31401}}.',
  ],
  ['florist', 'Card message: "Happy birthday Mom, love {{n:Caleb}}". Please charge {{c:3714 496353 98431}}.'],
  ['florist', 'Delivered on 03/04/2024 but the roses were wilted. Order ORD-2024-00311. Photos attached.'],
  [
    'florist',
    'Hello {{n:Rosa}}, can we add 20 more white peonies for the wedding? The florist order is FL-7781.',
  ],
  ['florist', 'May we change the delivery window to 2-4pm? Will someone be there to sign?'],
  ['hardware', 'Do you rent the 40 ft ladder? I need it for 2 days. Text {{p:801-555-0190}}.'],
  ['hardware', 'Item 88213 (3/4 inch PVC elbow) is listed at $1.29 but the shelf says $0.99.'],
  [
    'hardware',
    'Our contractor account number is 4000-1234-5678-9010, can you add {{n:Pete Romano}} as an authorised buyer?',
  ],
  ['hardware', 'Best,\n{{n:Hiroshi Tanaka}}\n{{e:hiroshi@tanaka-builds.com}}'],
  [
    'boutique',
    'Please delete my account and all my data. The email on file is {{e:l.nguyen1990@gmail.com}} and phone {{p:+61 2 9374 4000}}.',
  ],
  [
    'boutique',
    'Returned item tracking number 9400 1000 0000 0000 0000 00, refund still not received after 14 days.',
  ],
  [
    'bookstore',
    'Gift card 6011 0009 9013 9425 balance check please. It was a present so I do not have the receipt.',
  ],
  ['hardware', 'Bill me for the paint and the rollers, the usual account. {{n:Grant}} will pick it up at 3.'],
  ['bike-shop', 'Thank you,\n{{n:Amara Okonkwo-Davies}}'],
  [
    'florist',
    'I am {{n:Yusuf Demir}} and I ordered the funeral wreath for Saturday, phone {{p:+49 30 901820}}.',
  ],
  [
    'bookstore',
    'Could you send the invoice to our school at {{a:4100 Oak Hill Drive, Suite 12}}? Attention: Mr. {{n:Gallagher}}.',
  ],
  [
    'boutique',
    'Logo attachment logo@2x.png is too small for the embroidery, do you have a larger one? Follow us @stylebyamara.',
  ],
  [
    'hardware',
    'Safe combination for the key cabinet is on the sticky note. PIN is {{k:7713}}. Please keep it confidential.',
  ],
  ['bike-shop', 'Can you match the price I found online, 1,249.00 EUR, order ref DE-2024-118-7781?'],
  [
    'florist',
    'Dear {{n:Eleanor}},\nThank you for choosing us for your wedding flowers. Your balance is $640.',
  ],
];
