/** Labelled messages to bakeries, cafés, restaurants and caterers. See labelled.ts for the markup. */
import type { RawMessage } from './labelled.js';

export const foodMessages: RawMessage[] = [
  [
    'bakery',
    "Hi, my name is {{n:Maria Lopez}} and I'd like to order a three-tier wedding cake for June. You can reach me at {{e:maria.lopez@gmail.com}} or {{p:(415) 555-2671}}.",
  ],
  [
    'bakery',
    'Hello! Order #100234 was supposed to be ready at 9am but nobody was at the counter. Can someone call me back? Thanks,\n{{n:Priya Shah}}',
  ],
  [
    'bakery',
    'I want to pay the deposit for the birthday cake by card: {{c:4111 1111 1111 1111}}, exp 09/27. Pickup is on 05/12/2024 for my daughter.',
  ],
  [
    'bakery',
    'Can you deliver 4 dozen croissants to {{a:742 Evergreen Terrace, Springfield, OR 97403}} on Saturday? Invoice INV-2024-0042 should go to accounting.',
  ],
  [
    'bakery',
    'Your website charged me $1,299.00 twice for the catering package. Order ORD-2024-00017. Please refund to the card ending 4444.',
  ],
  [
    'bakery',
    "Hi there, this is {{n:Tom Becker}} from the community centre. We'd like 150 cupcakes for the fundraiser on 03/04/2024. My cell is {{p:503-555-0198}}.",
  ],
  [
    'bakery',
    'Do you have gluten free sourdough? SKU BRD-SOUR-800 shows as out of stock. Will you restock this week?',
  ],
  [
    'bakery',
    "The birthday cake for my son's party on 12/20/2024 needs to say Happy 7th Birthday {{n:Leo}}. Bill me later if that's ok, I'll pay at pickup.",
  ],
  [
    'bakery',
    'Dear Mrs. {{n:Okafor}},\nYour order of 2 sourdough loaves is ready. Thanks,\nSweet Crumbs Bakery',
  ],
  [
    'bakery',
    'Please use my new email {{e:j.reyes+orders@outlook.com}} for receipts from now on. Thanks!\n{{n:Jonathan Reyes}}',
  ],
  [
    'bakery',
    'Wire the refund to my account please, IBAN {{i:DE89 3704 0044 0532 0130 00}}, name on account {{n:Lena Fischer}}.',
  ],
  [
    'cafe',
    "Hey, I'm {{n:Aisha}} from the office upstairs, can we set up a monthly coffee order? Call me on {{p:212-555-0147}} ext. 23.",
  ],
  [
    'cafe',
    'The wifi password is {{k:Croissant#42}} right? My laptop keeps saying the password is incorrect.',
  ],
  [
    'cafe',
    'May I ask whether the oat milk is included in the $4.50 latte price? Will you have pumpkin spice again in October?',
  ],
  ['cafe', 'Loyalty card 6035 1234 5678 9012 is not getting stamps. My email is {{e:sam.taylor@yahoo.com}}.'],
  [
    'cafe',
    'Hi {{n:Mark}}, the espresso machine (model 2024-118) is leaking again. Can your technician come before 10:30 tomorrow?',
  ],
  [
    'restaurant',
    'Booking for 6 people on Friday at 7:30pm under {{n:Chen Wei}}, phone {{p:+1 646 555 0134}}. One guest has a nut allergy.',
  ],
  [
    'restaurant',
    "I'd like to book the back room for my husband's birthday dinner on 08/17/2024, about 20 guests. Budget around $1,500.",
  ],
  [
    'restaurant',
    'My card {{c:5555 5555 5555 4444}} was charged but the reservation was cancelled. Confirmation code RSV-55120934.',
  ],
  [
    'restaurant',
    'Hello, I am writing about the gift voucher GV-2024-7781 that my colleague bought me. It says expired but it was issued on 01/15/2024.',
  ],
  ['restaurant', 'Thank you for a lovely evening! The lamb was perfect. Best regards,\n{{n:Sofia Rossi}}'],
  [
    'catering',
    'We need lunch for 45 people delivered to {{a:55 Water St, Apt 4B, Brooklyn, NY 11201}}. Contact on the day: {{n:Daniel Kim}}, {{p:(718) 555-0162}}.',
  ],
  [
    'catering',
    'Please send the invoice to {{e:accounts@brightwell-events.co.uk}} and quote PO 4500012345. Our VAT number is GB123456789.',
  ],
  [
    'catering',
    'Our UK office can pay by bank transfer, IBAN {{i:GB82 WEST 1234 5698 7654 32}}. Let me know the final amount in GBP.',
  ],
  [
    'bakery',
    'Can I get 2 Chocolate Fudge Cakes and 1 Lemon Drizzle for pickup at 4pm? Thanks, Will do the payment online.',
  ],
  [
    'bakery',
    'I was born on {{d:March 4, 1985}} so I qualify for the birthday discount this month, right? Member number 88213.',
  ],
  [
    'bakery',
    'Happy to confirm the order. Tracking number 1Z999AA10123456784 for the shipped cookie tins. Regards, The Sweet Crumbs Team',
  ],
  [
    'cafe',
    'Hi Sweet Crumbs, do you do corporate accounts? Our office is at {{a:1208 Maple Avenue}}, just around the corner.',
  ],
  ['restaurant', "Cheers,\n{{n:Liam O'Connor}}\n{{p:+353 1 555 0142}}"],
  [
    'bakery',
    'The app says version 3.2.1 and keeps crashing when I try to pay. I tried twice at 2:15pm. Receipt 000123456.',
  ],
  [
    'catering',
    "Hello, I'm {{n:Hannah Brooks}} and I'm organising the wedding on 09/21/2024. Venue address: {{a:18 Orchard Lane, Concord, MA 01742}}.",
  ],
  [
    'restaurant',
    'Please charge the deposit to Amex {{c:3782 822463 10005}}. The name on the card is {{n:Robert Hale}}.',
  ],
  ['cafe', 'Quick one: are you open on Easter Monday? We usually come in around 8.'],
  ['bakery', 'Text me when the order is ready: {{p:720 555 0143}}. Order qty 12, total $86.40.'],
  [
    'catering',
    'For the staff party headcount is 64, dietary list attached. Billing contact is {{n:Grace Nakamura}} ({{e:grace.nakamura@fernhill.org}}).',
  ],
  ['cafe', 'Loyalty member ID 55120988, do I get the free coffee after ten stamps?'],
];
