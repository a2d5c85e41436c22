import type { LabelledMessage } from '../evaluate.js';
export const blindMessagesB3: LabelledMessage[] = [
  // ---- critical (15) ----
  [
    'critical',
    'sms',
    'theres water pouring thru the ceiling of the bakery from the flat above, floor is flooding rn and its getting near the ovens, can your plumber come NOW',
  ],
  // why: very polite tone, but a gas smell with kids at home is danger right now
  [
    'critical',
    'email',
    "Dear Sir or Madam,\n\nI hope this finds you well and I'm sorry to bother you. Since about half an hour ago there has been a strong smell of gas around the boiler your engineer serviced on Tuesday, and my two children are at home with me. Would it be possible for someone to come out as soon as you are able?\n\nKind regards,\nMargaret Hollis",
  ],
  [
    'critical',
    'slack',
    'all 3 tills are down since the update you pushed, we cant take a single payment and theres a queue out the door at lunch service. restaurant is basically dead in the water',
  ],
  [
    'critical',
    'sms',
    'bella just ate a whole bar of dark chocolate off the counter about 10 min ago and shes shaking and panting, are you open?? on my way',
  ],
  [
    'critical',
    'email',
    "Hi,\n\nSomeone has logged into our shop admin and is changing the payout bank details as I type - I'm getting the notification emails one after another and my password no longer works. Please lock the account immediately.\n\nDaniel, Northfield Outdoor Supplies",
  ],
  [
    'critical',
    'sms',
    'a customer in our cafe is having a reaction to the lemon drizzle we got from you, lips swelling, ambulance called - does it have nuts in it???',
  ],
  [
    'critical',
    'slack',
    'sparks just came out of the socket your electrician fixed yesterday, ive switched off the main but theres still a burning smell in the wall',
  ],
  [
    'critical',
    'sms',
    'hello, the car I rent from you, smoke is come from the engine now, I am stop on motorway shoulder with my baby, what I must do',
  ],
  // why: customer's own business stopped right now, not just a booking problem
  [
    'critical',
    'email',
    'Hello,\n\nOur booking system has been hijacked or broken overnight - every slot for today shows as cancelled, the door codes have changed, and groups are arriving to locked rooms. We literally cannot run a single game. Please call me on 07700 900412.\n\nPriya, Lockstep Escape Rooms',
  ],
  [
    'critical',
    'sms',
    'the tarp your roofers left got ripped off in the storm just now and rain is coming straight through into the bedroom, its dripping onto the light fitting',
  ],
  [
    'critical',
    'slack',
    'somebody is using our company card on your site right now, 6 orders in the last 10 min to addresses we have never heard of. please block it',
  ],
  [
    'critical',
    'sms',
    'pool plant room is full of chlorine fumes, my husband is coughing badly, weve got everyone out into the garden',
  ],
  [
    'critical',
    'email',
    'To whoever is on call,\n\nA bolt sheared on the climbing frame you installed at our nursery last week and a little boy has fallen - paramedics are with him now. The second frame uses the same bolts and we need to know whether it is safe before the afternoon group goes outside.\n\nJoanne Reeves, Manager, Little Acorns Daycare',
  ],
  // why: a broken device would be high, but here check-in and payments are both halted
  [
    'critical',
    'sms',
    'the card reader + check in tablet you set up both died, front desk cant let anyone in or take money, members piling up at the door of the gym',
  ],
  // why: casual wording, but smoke from a compressor is danger now
  [
    'critical',
    'slack',
    'hey no stress but the walk-in freezer alarm is going off and theres actual smoke coming from the compressor lol kinda freaking out',
  ],

  // ---- high (25) ----
  [
    'high',
    'sms',
    'flowers for todays funeral still havent arrived and the service starts at 2, please tell me theyre on the way',
  ],
  [
    'high',
    'email',
    'I am absolutely furious.\n\nI paid for a deep clean of my flat before my landlord inspection and your team left the oven filthy and the bathroom untouched. I took photos. I want a full refund by the end of today or I will be filing a chargeback with my bank.\n\nR. Okafor',
  ],
  // why: customer says not an emergency, but locked out still needs action today
  [
    'high',
    'sms',
    'locked myself out of my flat, keys on the kitchen table. not an emergency, just annoying, but can someone come sometime today?',
  ],
  // why: broken and needs fixing today, but they can still ship by hand so not stopped
  [
    'high',
    'slack',
    'label printer you installed stopped printing this morning, we can still write labels by hand but its really slowing dispatch down',
  ],
  [
    'high',
    'email',
    "Hi both,\n\nOur wedding is tomorrow and the marquee company has just told us they can't deliver. Is there any way the venue can offer the orangery as a backup for the drinks reception? We're in a bit of a state.\n\nLots of love,\nSophie & Tom",
  ],
  ['high', 'sms', 'AC died overnight and the office is sweltering, any chance someone can come out today'],
  [
    'high',
    'sms',
    'wrong cake delivered 😩 it says Happy 40th Gary and the party tonight is for my daughter Lily turning 6',
  ],
  [
    'high',
    'email',
    'Hello,\n\nWhen I collected my prescription this morning there were only 14 of the 28 tablets in the bag. I take the last one tonight. Could you sort out the rest today please?\n\nThank you,\nMr A. Wójcik',
  ],
  [
    'high',
    'slack',
    'catering for our 12:30 meeting turned up without the vegan platters, 8 people have nothing to eat',
  ],
  [
    'high',
    'sms',
    'You cancelled my Saturday moving slot with one days notice. I want my deposit back today, not in 10 working days',
  ],
  [
    'high',
    'email',
    'Hi Gemma,\n\nOur VAT return is due by midnight tonight and your client portal keeps failing when I upload the spreadsheet. Can you either fix it or file it from your side?\n\nBest,\nMarcus',
  ],
  // why: leaking again after a repair, but contained so not a flood
  [
    'high',
    'sms',
    'the dishwasher u fixed monday is leaking again, put towels down, its just a puddle not a flood but can u come back today',
  ],
  [
    'high',
    'email',
    "Hello,\n\nWe arrived at 4pm and the key safe code you sent us doesn't open it. We've tried it about ten times and are now sitting in the car outside with the kids. Could someone let us in?\n\nRegards,\nThe Lindqvist family",
  ],
  // why: one payment method broken, card still works so business not stopped
  [
    'high',
    'slack',
    'checkout is throwing a 500 error when people pick paypal, card payments still go through ok',
  ],
  [
    'high',
    'sms',
    'picked my bike up from you an hour ago and the back brake has gone completely, need it for my commute tomorrow morning',
  ],
  [
    'high',
    'email',
    "Our photographer hasn't shown up and the ceremony starts in 40 minutes. He isn't answering his phone. Is anyone else available???\n\nClaire",
  ],
  [
    'high',
    'sms',
    'oh brilliant, the guaranteed next day alterations arent ready and the gala is tonight. fantastic service as always',
  ],
  [
    'high',
    'email',
    "Hi there,\n\nMy crown came off while I was eating lunch. It doesn't really hurt, but I'd rather not go around with a gap - is there any chance of an appointment today?\n\nCheers,\nLiam",
  ],
  [
    'high',
    'slack',
    'we were charged twice for the £340 annual plan. if the duplicate isnt reversed today im raising a chargeback',
  ],
  [
    'high',
    'sms',
    'walker didnt turn up today and my dog has been in since 7am, can someone do a walk this afternoon',
  ],
  [
    'high',
    'email',
    "Hello,\n\nThe 500 flyers for our shop opening tomorrow have been printed with last year's date on them. Can they be reprinted and ready for collection by this evening?\n\nNina, Paper Moon Books",
  ],
  // why: heating failure needs fixing today; no immediate danger described
  [
    'high',
    'sms',
    'Hello, the heating is not working since morning, we have a small baby, please can technician come today',
  ],
  [
    'high',
    'slack',
    "tutor never logged on for Priya's 4pm session and her chemistry exam is tomorrow morning, what happened??",
  ],
  [
    'high',
    'sms',
    'mice are back in the kitchen 3 days after your treatment and the health inspector comes tomorrow. not happy',
  ],
  [
    'high',
    'email',
    "I'm honestly livid. I asked for honey blonde and walked out with orange hair, and the stylist told me it would 'settle'. It hasn't. I want this corrected by someone competent or my money back.\n\nJess",
  ],

  // ---- normal (20) ----
  ['normal', 'sms', 'hi can i book the escape room for 6 of us next saturday evening?'],
  [
    'normal',
    'email',
    "Good afternoon,\n\nA few tiles have slipped on the back of our roof. Could you give us a quote to repair them at some point next month? We're in most weekdays after 3.\n\nMany thanks,\nPeter Grant",
  ],
  ['normal', 'slack', 'could we move our weekly clean from thursdays to fridays starting next week?'],
  ['normal', 'sms', 'where is order #4821? tracking hasnt moved since monday, not worried just checking in'],
  [
    'normal',
    'email',
    "Hello,\n\nThere's a £12 admin fee on my latest invoice that I don't remember agreeing to. Could you explain what it's for?\n\nKind regards,\nHelen",
  ],
  // why: says urgent, but the recital is three weeks away
  ['normal', 'sms', 'URGENT!!! need to book the piano tuner before my recital in 3 weeks haha'],
  [
    'normal',
    'email',
    "Hi,\n\nWe're hosting a 60th birthday for around 40 guests on 18 October and would love a quote for a buffet with a couple of vegetarian options.\n\nBest wishes,\nAnita",
  ],
  [
    'normal',
    'slack',
    'can you send the march invoice over when you get a moment, our accountant wants it before month end',
  ],
  ['normal', 'sms', 'can i change my eye test from the 14th to the 21st pls'],
  [
    'normal',
    'email',
    "Dear hosts,\n\nWe'd like to stay for three nights from 9 August. Do you have a double room available, and are well-behaved dogs allowed?\n\nYours,\nMichael and Ruth",
  ],
  ['normal', 'sms', 'do you have the 54cm frame in stock? would pick it up next week'],
  [
    'normal',
    'email',
    "Hi team,\n\nI'll be travelling for most of June. Would it be possible to freeze my membership for that month and restart it in July?\n\nNamaste,\nKaren",
  ],
  ['normal', 'slack', 'pls add 2 more people to the team lunch order for next wednesday'],
  ['normal', 'sms', 'whens the next slot for a full service on my golf? any day next week is fine'],
  [
    'normal',
    'email',
    'Hello,\n\nCould you pop round sometime to quote for cutting back the hedges along our drive? Anytime before the end of the summer works for us.\n\nSimon',
  ],
  ['normal', 'sms', "could we push Max's grooming from friday to the tuesday after?"],
  [
    'normal',
    'email',
    'Hi,\n\nNoah moves up to the toddler room in September. Could you confirm what the fees will be from then?\n\nThanks a lot,\nDevika',
  ],
  // why: a deadline, but weeks away
  [
    'normal',
    'slack',
    'not urgent urgent but we need a quote for 3 new laptops before our budget meeting on the 28th',
  ],
  [
    'normal',
    'sms',
    'id like to order a bouquet for my mums birthday on the 12th, delivered to her house in Headingley',
  ],
  [
    'normal',
    'email',
    'Dear events team,\n\nMy fiancé and I are getting married next spring and would love to view the barn. Are there any viewing appointments in the next couple of weeks?\n\nWarmly,\nAmara',
  ],

  // ---- low (20) ----
  ['low', 'sms', 'new brake pads are brilliant, car stops like a dream now 👌'],
  [
    'low',
    'email',
    'Hi all,\n\nJust a note to say how impressed we were with the crew on Friday. Not a single scratch on the piano, and they even reassembled the beds. Moving is usually a nightmare and this was genuinely painless.\n\nAll the best,\nGeorge and Lin',
  ],
  ['low', 'slack', "fyi we're closed over the bank holiday monday, no need to reply"],
  [
    'low',
    'sms',
    'no rush at all but whenever you get a sec could you send me the recipe for that rye sourdough',
  ],
  [
    'low',
    'email',
    'Hello,\n\nA small suggestion: it would be great if there were a couple more evening spin classes during the week. Otherwise I love the gym.\n\nSam',
  ],
  ['low', 'sms', 'do you guys do gift vouchers? just curious for christmas'],
  // why: urgent words, but the problem is already solved
  ['low', 'slack', 'emergency over lol found the spare key under the plant pot, ignore my last msg'],
  ['low', 'sms', 'you honestly saved my brothers wedding, the suit fits perfectly and he looked great'],
  [
    'low',
    'email',
    'Hi,\n\nMinor feedback on your website: the booking page was a little confusing on my phone because the calendar cut off at the side. Not a big deal, I managed in the end.\n\nCheers,\nOwen',
  ],
  [
    'low',
    'sms',
    'not urgent, not even close - whenever youre passing could you look at the squeaky side gate',
  ],
  [
    'low',
    'email',
    'Hello,\n\nWhat will your opening hours be over Christmas and New Year?\n\nRegards,\nPauline',
  ],
  ['low', 'slack', 'great job on the new menu photos, the whole team loves them'],
  ['low', 'sms', 'dog came home absolutely knackered and happy, best walker ever 🐶'],
  [
    'low',
    'email',
    "Hi,\n\nJust letting you know we've moved office - the new address is below for your records. Nothing needed from your side.\n\nUnit 4, Riverside Works, Leeds LS10 1AB\n\nKate",
  ],
  [
    'low',
    'sms',
    'ASAP... as in as soon as possible sometime next year lol, thinking of redoing the patio eventually',
  ],
  [
    'low',
    'email',
    'Good morning,\n\nAre your frames made in the UK? Just interested, as I like to buy local where I can.\n\nBest,\nFrancesca',
  ],
  ['low', 'slack', 'heads up the invoice came through fine, all good here'],
  // why: 'fire' is used about a product they like, no danger
  ['low', 'sms', 'the fire pit you built was the star of the bbq 🔥 everyone wants one now'],
  [
    'low',
    'email',
    "We escaped with two minutes to spare and are still talking about the bookshelf puzzle. Easily the most fun we've had as a group this year - we'll be back for the pirate room.\n\nThe Thursday Quiz Team",
  ],
  [
    'low',
    'sms',
    'whenever suits, could u send a copy of last years receipts for my records, honestly no hurry',
  ],
];
