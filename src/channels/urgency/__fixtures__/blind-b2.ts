import type { LabelledMessage } from '../evaluate.js';

/**
 * Blind set B2: 80 customer messages to small businesses, labelled by the four-level rule of the labelling guide
 * only, written without seeing the scorer or any other fixture.
 */
export const blindMessagesB2: LabelledMessage[] = [
  // critical (15): danger to people or property right now, breach or fraud in progress, business stopped now
  [
    'critical',
    'sms',
    'oven 2 is smoking bad and theres a burnt plastic smell coming from behind it where the cable goes in. staff are out on the pavement, breaker wont switch off. pls come',
  ],
  [
    'critical',
    'email',
    'Dear Mrs Hollis,\n\nI hope you are well and I am so sorry to be writing on a Sunday. Since about seven this morning there has been quite a strong smell of rotten eggs in the corridor outside rooms 3 and 4, near the boiler cupboard. Two of our guests are still asleep up there. I have opened the windows but I was not sure whether I ought to wake them or wait for someone to look.\n\nWith kind regards,\nPeter Lang\nThe Old Rectory B&B',
  ], // why: polite and hesitant, but a gas smell with people inside is danger right now
  [
    'critical',
    'slack',
    'hey sorry to bug you on a saturday - someone is logged into our shopify admin from an IP in vietnam right this second and just changed the payout bank account. i can watch it happening in the activity log. none of us did this',
  ],
  [
    'critical',
    'sms',
    'Milo collapsed on the path near the river on our walk, hes breathing really fast and his gums look grey. Im carrying him to the car now can the vet see him straight away??',
  ],
  [
    'critical',
    'email',
    "Subject: checkout completely dead\n\nHi team,\n\nsince 9:10 every single order on the shop throws a 500 error at the payment step. We haven't taken one sale in two hours and our newsletter went out at 9 so this is our busiest morning of the month. Nothing at all is getting through.\n\nJess\nLittle Fern Candles",
  ],
  [
    'critical',
    'sms',
    'one of the guests at the christening just ate the satay skewers and her lips and throat are swelling up, she says she told you about peanuts. shes got an epipen but its not working fast, ambulance called',
  ],
  [
    'critical',
    'sms',
    'WATER IS POURING THROUGH THE CEILING of the salon downstairs from the flat above where your guy fitted the new pipe yesterday. its on the electrics by the dryers. cant find the stopcock',
  ],
  [
    'critical',
    'slack',
    'both the tills and the dispensing system have been down since opening. we literally cannot hand out a single prescription and theres a queue to the door, people waiting on insulin',
  ],
  [
    'critical',
    'email',
    'Hi Daniel,\n\nMy bank just rang me. Three transfers of 4,800 each have gone out of the business account in the last 20 minutes to a payee I have never heard of, and another one is pending while I type. I think it is linked to that email with the new bank details for your firm that I paid last week. The bank is on the other line, what do I tell them?\n\nRuth Okafor\nOkafor Interiors',
  ],
  [
    'critical',
    'sms',
    'the socket in the nap room just sparked and theres a black mark up the wall and it smells like burning. we moved the babies out into the hall. is it safe to leave it or do we call the fire brigade',
  ],
  [
    'critical',
    'sms',
    "Your technician left the chlorine and the acid drum side by side in the pump room and one tipped over. there's a yellowish cloud and two lifeguards are coughing and can't stop. we evacuated the pool",
  ],
  [
    'critical',
    'slack',
    "booking system is down AND the card machine declines everything, we've had to send two groups home already and four more are due before 6. we can't run a single room without it",
  ],
  [
    'critical',
    'sms',
    'the storm has ripped half the new roof off, rain is coming straight into my daughters bedroom and down the light fitting. can anyone come now',
  ],
  [
    'critical',
    'email',
    "Hello,\n\nI collected my Golf from you this morning after the service. I'm on the A14 now, pulled onto the hard shoulder, and there's thick white smoke coming from under the bonnet and a smell of oil burning. My two kids are in the back. Do I get out? Who do I call?\n\nSent from my phone",
  ],
  [
    'critical',
    'sms',
    'please quick, someone is trying to break the back door of my shop right now, I hear them hitting it with something. police is coming but the lock is already bend, can you come fix it after',
  ],

  // high (25): needs action today
  [
    'high',
    'sms',
    'just opened the box and the bridal bouquet is peach not ivory like we agreed?? the wedding is tomorrow at 11. what can you do',
  ],
  [
    'high',
    'email',
    'Hi,\n\nThe platters arrived for our 1pm lunch but there are 40 sandwiches, not the 80 on the order, and no vegan option at all. We have 60 people coming in just over an hour. Can you send the rest?\n\nThanks, Amira (Reception, Larch & Co)',
  ],
  [
    'high',
    'slack',
    "the office printer is showing error E-302 and won't print anything. we need to get the month end invoices out this afternoon, can someone take a look today",
  ],
  [
    'high',
    'sms',
    'hi the key snapped off in my front door lock, half is still inside. im stuck outside with the shopping. how soon could someone come',
  ],
  [
    'high',
    'email',
    'I am absolutely furious. I asked for subtle caramel highlights and walked out with orange stripes that my own children laughed at. I paid 140 pounds for this. I expect someone to call me back today and put it right, not next week.\n\nK. Brennan',
  ],
  [
    'high',
    'email',
    'Order #55821. The jacket arrived with a ripped seam and you have ignored both my emails. If I do not see the full refund by end of day I am raising a chargeback with my bank. Final message before I do.\n\nS. Novak',
  ],
  [
    'high',
    'sms',
    "morning, heating's packed in overnight at the bakery. nobody's in danger it's just freezing and the dough won't prove. can you fit us in today",
  ], // why: broken and needed today; 'nobody in danger' rules out critical
  [
    'high',
    'slack',
    "the gallery link you sent for the Harlow wedding says 'expired'. the couple want to show their parents at 4 today, could you re-send?",
  ],
  [
    'high',
    'sms',
    "booked 8am movers for today, it's 10:15, nobody has turned up and the phone goes to voicemail. keys for the new house are at 2",
  ],
  [
    'high',
    'email',
    "Dear Events Team,\n\nWe have just driven past the venue and the marquee still isn't up. Our wedding is tomorrow at 2pm and the florist is due at 8 in the morning. Could somebody please confirm today what is happening?\n\nBest wishes,\nHannah and Luis",
  ],
  [
    'high',
    'sms',
    "my crown came off eating toast this morning. not too painful but i've got a presentation tomorrow and a gap at the front. any chance of a slot today",
  ], // why: broken and wanted today, no injury or danger, so high not critical
  [
    'high',
    'slack',
    'urgh just noticed the 500 flyers have the wrong date on them, says 14th instead of 12th. the fair is tomorrow morning. any way to reprint before you close?',
  ],
  [
    'high',
    'email',
    'Hello,\n\nmy new glasses came this morning but everything is blurry with them, I think the left lens is the wrong prescription. I have my driving test tomorrow at 9:30 and cannot drive in my old ones. Is it possible to fix today?\n\nMany thanks,\nOlusegun',
  ],
  [
    'high',
    'sms',
    'the tutor didnt come for the 5pm session AGAIN and nobody told us. my son has his chemistry exam tomorrow. really not ok',
  ],
  [
    'high',
    'email',
    "Hi,\n\nYou treated the kitchen two weeks ago and we've got mouse droppings behind the dishwasher again this morning. Environmental health are visiting on Thursday. We need someone out today please.\n\nMarco, Trattoria Sole",
  ], // why: pest problem back and an inspection at risk; needs a visit today, no danger right now
  [
    'high',
    'slack',
    'Ellie from accounts is locked out of her email after the password change and has 6 quotes to send before 5. can you reset it',
  ],
  [
    'high',
    'sms',
    "hiya, cleaners didn't come this morning and the next airbnb guests check in at 3 today. the place is a state. can you send someone?",
  ],
  [
    'high',
    'email',
    "Hi Graham,\n\nI've been charged twice for the March bookkeeping, 320 taken on the 1st and again on the 3rd. Please refund the duplicate today, it has pushed me into my overdraft.\n\nBest,\nTom Fairley",
  ],
  [
    'high',
    'sms',
    'hi its Mr Ndlovu with the blue corsa hire, back tyre is flat in the supermarket car park. spare looks flat as well. what do i do',
  ], // why: broken and needs sorting today; parked safely, no danger
  [
    'high',
    'sms',
    "you said tuesday for the suit alterations, it's now wednesday and it still isn't ready. I am the best man TOMORROW. what time can I collect",
  ],
  [
    'high',
    'slack',
    "the treadmill by the window threw an error and stopped dead mid-run. member is fine, we've taped it off, but it's one of only three. could a tech come today?",
  ],
  [
    'high',
    'email',
    "Hello,\n\nI've just picked up my click and collect veg box and there's no eggs, no cheese and someone else's sausages in it instead. It's for a dinner tonight. Can I come back for the right things before you shut?\n\nJoanna",
  ],
  [
    'high',
    'sms',
    'concert is tonight at 7.30 and since the tuning yesterday the middle C sticks down. sorry to be a pain, could you pop in this afternoon?',
  ],
  [
    'high',
    'email',
    "Wonderful. That's the third 7am class this month cancelled ten minutes before start, after I'd already driven over. Really great use of my morning. I want this month's fee refunded and a proper explanation.\n\nDeb",
  ], // why: sarcastic angry complaint plus refund demand
  [
    'high',
    'email',
    "Hi there, so sorry to bother you, and no panic, but the fridge in the baby room seems to have stopped working this morning. We've put the milk bottles in cool boxes for now. Would anyone be able to have a look today?\n\nWarmly,\nSunbeams Daycare",
  ], // why: calm and polite, but a failed appliance that needs action today

  // normal (20): ordinary requests with time to spare
  ['normal', 'sms', 'hi can i book a cut and colour with Ana next friday, anytime after 2'],
  [
    'normal',
    'email',
    "Hello,\n\nWe'd like a quote for redoing the back garden in the spring: new turf, a small patio and a couple of raised beds. It's roughly 10 by 15 metres. Could someone come round in the next few weeks to measure up?\n\nRegards,\nFiona and Dev Mistry",
  ],
  [
    'normal',
    'slack',
    "we've got a new starter on the 3rd of next month, could you set up a laptop and email account for her? name is Priya Shah",
  ],
  [
    'normal',
    'email',
    "Hi,\n\nWe've just got a cocker spaniel puppy, 9 weeks old. Could we book her first vaccinations and a check over for sometime in the next fortnight? Mornings suit best.\n\nThank you,\nCallum",
  ],
  [
    'normal',
    'sms',
    'hello wanted to order a chocolate birthday cake for the 14th, serves about 20, writing says Happy 40th Sam',
  ],
  [
    'normal',
    'email',
    "Hi Graham,\n\nQuick question on invoice 2231, what is the 'admin fee' line? It wasn't on last quarter's. Not disputing it, just want to understand it.\n\nCheers,\nLeah",
  ],
  [
    'normal',
    'sms',
    "hey my order from last monday still says 'label created' on tracking. no hurry, just wondering if it's actually been sent",
  ], // why: order status without distress is normal; 'no hurry' describes the tone, not a non-request
  [
    'normal',
    'email',
    'Dear Sir/Madam,\n\nI have a booking for 3rd to 5th May, reference RB-448. Could it please be moved to 10th to 12th May instead, same room if possible?\n\nYours faithfully,\nMargaret Ellis',
  ],
  [
    'normal',
    'sms',
    "hi Jo, we're away the week of the 20th, could you do two walks a day for Biscuit that week instead of one?",
  ],
  [
    'normal',
    'slack',
    "can we get a price for 250 business cards, double sided, matte? don't need them for about 3 weeks",
  ],
  [
    'normal',
    'email',
    'URGENT!!! haha not really, sorry. Just wanted to check whether you have any Saturdays free in June next year for a wedding of around 90 guests, and what the pricing looks like.\n\nXx Chloe',
  ], // why: 'urgent' is a joke; the situation is a booking enquiry far ahead
  [
    'normal',
    'sms',
    'due for the annual boiler service, can you book me in sometime next month? weekdays fine',
  ],
  [
    'normal',
    'email',
    "Hello,\n\nFrom next month could we move our weekly pool clean from Mondays to Thursdays? We've got guests arriving at weekends more often now.\n\nRegards,\nNeil, Fernhill Lodges",
  ],
  ['normal', 'sms', 'hi how much would headshots be for 5 staff? thinking sometime in march at our office'],
  [
    'normal',
    'email',
    "Hi,\n\nCould I get a quote for moving a two-bed flat from Leith to Portobello on the 30th? Third floor, no lift, and we've got a piano.\n\nBest,\nIain",
  ],
  [
    'normal',
    'slack',
    'when you get a chance, could the electrician add two double sockets in the back office? any day next week works',
  ],
  ['normal', 'sms', 'id like to book an eye test please, saturday morning next week if possible'],
  [
    'normal',
    'email',
    "Hello,\n\nWe're looking at a team outing for 12 people in about three weeks, probably the Thursday evening. Can you split us across two rooms and invoice the company rather than card payment?\n\nThanks,\nRosa Lind, Office Manager",
  ],
  [
    'normal',
    'sms',
    'hi, its about the van hire starting next tuesday. could i keep it 2 days longer, until the monday?',
  ],
  [
    'normal',
    'email',
    "Hi,\n\nNothing's wrong, but this month's invoice is 60 more than usual and I wondered if the half-term week was counted. Could you let me know when you get a moment?\n\nBest wishes,\nAisha (mum of Zane, Rainbow room)",
  ], // why: billing question with no distress

  // low (20): nothing to do soon
  ['low', 'sms', "tap hasn't dripped once since you came, absolute legend"],
  [
    'low',
    'email',
    "Dear Sarah and Mike,\n\nWe're home now and I just wanted to say what a lovely weekend we had. The breakfasts were the best we've had anywhere in Cornwall, and the room was spotless. We'll certainly be recommending you to friends.\n\nAll the best,\nGeoff and Linda Parr",
  ],
  [
    'low',
    'slack',
    "fyi the new wifi is loads faster, the video calls haven't dropped all week. no action needed",
  ],
  ['low', 'sms', 'those cinnamon buns were actually fire 🔥🔥 kids demolished them'], // why: 'fire' is slang praise
  [
    'low',
    'email',
    'Hi,\n\nJust a small suggestion for whenever you next rearrange: a slightly bigger sci-fi section would be brilliant. I end up ordering online because the shelf is so small. Love the shop otherwise.\n\nBen',
  ],
  [
    'low',
    'sms',
    'do you still do the sunday spin class? not coming back till after the summer, just curious',
  ],
  [
    'low',
    'email',
    "Hi Tomas,\n\nEmergency averted, ha! The piano sounded gorgeous at Dad's 70th and everyone sang along. Just wanted you to know.\n\nBest,\nRachel",
  ], // why: 'emergency' is past and joking; this is praise
  [
    'low',
    'sms',
    'no rush at all but at some point could you tell me the name of those purple flowers in my bouquet? want to plant some next year',
  ],
  [
    'low',
    'slack',
    'whenever you have a sec, no deadline: which receipt scanning app do your other clients like?',
  ],
  [
    'low',
    'email',
    'Hello,\n\nNot really a complaint, just feedback: the music in the waiting area was a bit loud on Saturday. The cut itself was perfect.\n\nNina',
  ],
  ['low', 'sms', 'not a single ant since you sprayed, so good'],
  [
    'low',
    'email',
    "Dear Mr Adeyemi,\n\nMaya got a B in her maths GCSE! She was predicted a D in September so we're over the moon. Your sessions made all the difference.\n\nWarm regards,\nClaire Hughes",
  ],
  ['low', 'sms', 'hedges look amazing, the neighbours keep asking who did them'],
  ['low', 'slack', 'the duck eggs from last week were incredible btw, my kids are obsessed'],
  [
    'low',
    'email',
    'Hi Jenny,\n\nNothing urgent here at all. Just wanted to tell you the canapés on Friday were a huge hit, and three people have asked for your number.\n\nBest,\nOwen',
  ], // why: 'nothing urgent' plus praise, no action needed
  ['low', 'sms', 'rode 80km on sunday, bike ran like a dream after the service'],
  [
    'low',
    'email',
    'Hello,\n\nJust an update: Bella is fully recovered from her surgery and eating like a horse again. The whole team were wonderful with her.\n\nWith love,\nThe Moreno family',
  ], // why: the danger is over; this is news and praise
  ['low', 'sms', 'might need spare keys cut sometime in the summer, will let you know when'],
  [
    'low',
    'email',
    "Hi,\n\nOut of curiosity, do heat pumps actually work when it gets really cold? We're thinking about one, maybe in a couple of years once the extension is done.\n\nCheers,\nMark",
  ],
  ['low', 'slack', 'loved the new evening flow class, the playlist was perfect 🙏'],
];
