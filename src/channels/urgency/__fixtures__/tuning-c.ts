/**
 * Tuning set C: 300 hand-labelled small-business customer messages (30 critical, 100 high, 90 normal, 80 low),
 * written from the labelling guide alone, without seeing the scorer or the other sets.
 */
import type { LabelledMessage } from '../evaluate.js';

export const tuningMessagesC: LabelledMessage[] = [
  // critical: danger to people or property now, breach or fraud in progress, the customer's business stopped now
  [
    'critical',
    'sms',
    'the water heater you guys installed last month is hissing and theres water pouring out the bottom onto the garage floor, its spreading toward the freezer and the outlets. what do i shut off??',
  ],
  [
    'critical',
    'sms',
    'smell gas really strong in the kitchen since your tech left an hour ago. kids are inside. should we get out',
  ],
  [
    'critical',
    'email',
    "Hi,\n\nI'm writing from the front desk because nobody picks up your phone. Our card terminals (the ones you set up) have all gone offline at once and we have a queue of about 30 people at lunch. We cannot take a single payment. Please call me back immediately on 0412 555 019.\n\nRegards,\nDina\nManager, Harbour Street Deli",
  ],
  [
    'critical',
    'slack',
    '@support someone is logged into our shopify admin from an IP in another country RIGHT NOW and changing the payout bank account. i did not do this. how do i kick them out',
  ],
  [
    'critical',
    'sms',
    "my dog ate something in your shop's dog run, hes drooling and shaking and now hes collapsed. we're in the car park. what did he eat?? is there a vet on site",
  ],
  [
    'critical',
    'sms',
    "there's smoke coming from the dryer no 4 at the laundromat and the lint trap is glowing, im the only one here",
  ],
  [
    'critical',
    'email',
    "To whoever is on call,\n\nOur walk-in cooler died overnight (the unit you serviced Tuesday). It's reading 14°C and we have about £6,000 of fish and dairy in there. Service starts at 6. Without it we can't open tonight at all.\n\nPlease send someone now.\nMarco",
  ],
  [
    'critical',
    'sms',
    'kid at your soft play has cut his head open on the edge of the slide, bleeding a lot, staff here dont seem to have a first aid kit??',
  ],
  [
    'critical',
    'sms',
    'roof you patched is leaking straight into the electrical box in the hallway, water running down the wall and the lights are flickering',
  ],
  [
    'critical',
    'slack',
    'our POS and online ordering are both down since 11:40, kitchen printer dead too. friday lunch rush and we literally cannot take orders. who can jump on this',
  ],
  [
    'critical',
    'sms',
    "Hello, I picked up my mother's prescription today and she took it, the label says 50mg but her doctor wrote 5mg. She's very dizzy and confused now. What should I do",
  ],
  [
    'critical',
    'email',
    "Subject: fraudulent charges happening now\n\nEvery few minutes I'm getting a bank alert for another £49.99 charge from your online store that I didn't make. That's 7 so far since 3pm and they keep coming. Stop whatever is doing this please.\n\nT. Okafor",
  ],
  [
    'critical',
    'sms',
    'my client just came out in hives all over her neck and her lips are swelling after the lash glue, she says her throat feels tight. do we call an ambulance',
  ],
  [
    'critical',
    'sms',
    'burst pipe under the sink, water is an inch deep across the whole floor and going under the door to the flat below. cant find the stopcock',
  ],
  [
    'critical',
    'slack',
    "hey so the website is serving a page that says 'hacked by' and redirecting customers to some crypto thing. this is live right now, we have a sale on. pls help asap",
  ],
  [
    'critical',
    'sms',
    'the exterminator sprayed this morning and now my cat is vomiting and cant stand up properly. what chemical was it i need to tell the emergency vet',
  ],
  [
    'critical',
    'sms',
    'sparks coming out of the outlet your electrician replaced yesterday and a burning plastic smell. ive flipped the main but its still smoking a bit',
  ],
  [
    'critical',
    'email',
    'Good morning,\n\nI regret to say our whole office cannot work. Since 8am no computer can reach the server, email is not working and the accounting program shows an error. We are 12 people sitting doing nothing. It is month end. Kindly come as fast as possible.\n\nBest regards,\nAndrzej Nowak\nNowak & Partners',
  ],
  [
    'critical',
    'sms',
    'hi its the lady at 14 birch rd, the tree your crew was cutting has come down on the power line and its sparking on the road. theres kids on bikes around',
  ],
  [
    'critical',
    'sms',
    "someone has just used the code from your car rental app to unlock MY car and is driving off in it, i'm watching it happen on the tracker",
  ],
  [
    'critical',
    'sms',
    'pool pump room at the hotel is full of a chlorine smell, two guests coughing badly and one says her chest hurts. what do we do',
  ],
  [
    'critical',
    'slack',
    "not a drill: the freezer alarm at the bakery says 2°C and climbing and the whole weekend's dough is in there. compressor not running at all",
  ],
  [
    'critical',
    'sms',
    "the horse float we rented, the floor has given way while driving and the horse's leg went through. we've pulled over on the motorway shoulder. please send help",
  ],
  [
    'critical',
    'email',
    "URGENT\n\nI just received a call from 'your bank department' and gave them the one-time code before realising. Now I can see someone adding a new payee in our business account that you manage payroll from. Can you freeze it?? It's happening as I type.\n\nLisa, Little Acorns Daycare",
  ],
  [
    'critical',
    'sms',
    "at the dentist yesterday for extraction, now my face is really swollen up to my eye and i've got a fever and struggling to swallow",
  ],
  [
    'critical',
    'sms',
    "ur boiler guy left and now the carbon monoxide alarm is going off upstairs. we've opened windows. is that normal?",
  ],
  [
    'critical',
    'slack',
    'all our self-storage gate keypads went dead and the gate is stuck OPEN, cameras offline too. 400 units unprotected right now',
  ],
  [
    'critical',
    'sms',
    'the dog walker just rang saying bella slipped her lead by the main road and is running loose in traffic. where exactly did she lose her',
  ],
  [
    'critical',
    'sms',
    'venue kitchen is on fire!! fire brigade called, 120 guests being moved out to the lawn, the bride is hysterical',
  ],
  [
    'critical',
    'email',
    "Hi team,\n\nThe card reader you supplied is taking payments but every one is being declined on the customer's side after showing approved on ours — and we've just realised none of today's £2,300 has settled. We've stopped taking card. That means we're cash only and half our customers are walking out. We can't trade like this.\n\nJas\nJas Bikes",
  ],

  // high: needs action today (broken or failed, wrong or missing order for today, event today or tomorrow at risk,
  // locked out, an angry complaint, a refund or chargeback demand)
  [
    'high',
    'sms',
    'hi the birthday cake i ordered for 3pm pickup today says happy birthday JAMES, his name is JAMIE. can it be fixed before then',
  ],
  [
    'high',
    'sms',
    'locked out of the flat, key snapped in the lock. im at work til 6 but need to get in tonight obviously',
  ],
  [
    'high',
    'email',
    'Dear Sir/Madam,\n\nThis is the second time I have had to chase this. I paid £180 on the 2nd for a deep clean that never happened — nobody turned up and nobody called. I want my money returned today, not a voucher, not a rebook.\n\nK. Hargreaves',
  ],
  [
    'high',
    'slack',
    "printer in the back office won't print anything since this morning, just blinks orange. we have invoices to get out today",
  ],
  [
    'high',
    'sms',
    "flowers for the funeral tomorrow at 10 — you said they'd come today and nothing has come. the service is at 10am sharp",
  ],
  [
    'high',
    'sms',
    "no hot water since last night. not an emergency emergency but we've got a newborn so would really like someone today",
  ],
  [
    'high',
    'email',
    'Hello,\n\nOur wedding is tomorrow at 2pm at your venue and we have only just been told the marquee contractor has cancelled. Nobody from your team has said what the plan B is. Can someone please ring me this morning?\n\nThanks,\nPriya & Tom',
  ],
  [
    'high',
    'sms',
    "i'm done with you people. third time my parcel has been 'delivered' to a door that isn't mine.",
  ],
  [
    'high',
    'sms',
    'collected my suit from the tailor an hour ago and the trousers are about 3 inches too short. wedding is saturday and i fly out friday morning',
  ],
  [
    'high',
    'slack',
    "hey, the wifi in the salon has been dropping every 10 mins since lunch, card machine keeps failing mid payment. we can still take cash but it's a mess",
  ],
  [
    'high',
    'email',
    "Hi there,\n\nI was charged twice for my order #44721 (£87.50 each). Please refund the duplicate. If it isn't reversed by end of day I'll be raising it with my card provider.\n\nRegards,\nSimon",
  ],
  [
    'high',
    'sms',
    'the AC went out at the dental practice this morning, its 31 inside and patients are complaining. can you come today',
  ],
  [
    'high',
    'sms',
    "can't log into the booking system, it says my account is disabled?? I have clients booked from 2",
  ],
  [
    'high',
    'email',
    "Good afternoon,\n\nWe collected our catering order for today's office lunch and it's missing the two vegan platters and all the gluten-free items. We have 40 people sitting down at 1pm, 8 of whom can't eat anything we got. Please advise urgently.\n\nMegan Lowe, Office Manager",
  ],
  [
    'high',
    'sms',
    "movers are here but the truck is half the size we booked, they're saying it won't all fit. we have to be out by 5 today",
  ],
  [
    'high',
    'sms',
    'honestly disgusted with the haircut i got today. asked for a trim, you took 4 inches off. i want it fixed or my money back',
  ],
  [
    'high',
    'slack',
    'hi, our team got locked out of the shared mailbox after the password change you did last night. nobody can see customer emails',
  ],
  [
    'high',
    'sms',
    "car was meant to be ready at 12 for me to collect, its 3 now and no one's called. i need it to get my kids at 5",
  ],
  [
    'high',
    'email',
    "Hi,\n\nI'm writing to dispute the charge of £340 from your garage. I was quoted £120 for the brake pads and was never told about any extra work. I will not pay for work I didn't authorise. Please reverse the difference today or I'll do a chargeback.\n\nGary Fenwick",
  ],
  [
    'high',
    'sms',
    'hiya the dog walker didnt show up at 12 today. rocky has been in since 7am. can someone please come',
  ],
  [
    'high',
    'sms',
    'photos from the shoot were supposed to be in my inbox for the press release going out tomorrow morning. link you sent is broken',
  ],
  [
    'high',
    'sms',
    'the bike i picked up from service yesterday, gears slip in every position now. it was fine before. I race sunday and need to train tomorrow',
  ],
  [
    'high',
    'email',
    "To the hotel manager,\n\nWe arrived tonight and our room smells strongly of smoke and the bathroom has not been cleaned — there are someone else's hairs in the bath. We booked non-smoking months ago. We need a different room tonight.\n\nMr and Mrs Adeyemi, room 212",
  ],
  [
    'high',
    'slack',
    'the label printer at the warehouse is printing blank labels since 10am. 60 orders waiting to go out with the 4pm collection',
  ],
  [
    'high',
    'sms',
    'hello I picked up my glasses yesterday and the left lens is clearly wrong, everything is blurry and I have a headache. I drive for work',
  ],
  [
    'high',
    'sms',
    'the cleaners were meant to be here at 9 for the end-of-tenancy clean, inspection is at 3 today. nobody here. not answering the phone',
  ],
  [
    'high',
    'email',
    "Hi,\n\nRight — I've been patient. Three weeks ago your roofer said he'd be back 'tomorrow' to finish the flashing. Every time it rains we get a drip in the bedroom. I want a date today, in writing, or I'm getting someone else and you're paying for it.\n\nDeclan",
  ],
  [
    'high',
    'sms',
    "the cake for tomorrow's christening — just remembered i never got a confirmation text, is it actually booked?? the party is at 11",
  ],
  [
    'high',
    'sms',
    'hi i ordered 200 flyers for the fair tomorrow and the box you gave me has someone elses menu in it',
  ],
  [
    'high',
    'sms',
    'pool is bright green this morning after your guy came monday. party for 20 kids here at 4pm tomorrow',
  ],
  [
    'high',
    'slack',
    "our email has stopped sending — everything bounces with 'relay denied'. receiving works. we have quotes to send today",
  ],
  [
    'high',
    'email',
    "Dear Dr Patel's office,\n\nMy daughter's braces wire has come loose and is cutting into her cheek. It's bleeding a little when she eats. Could she be seen today? She's in some pain.\n\nKind regards,\nSarah Kim",
  ],
  [
    'high',
    'sms',
    'not happy. paid for a 60 min massage and got 40. the therapist kept checking her phone. i want a partial refund',
  ],
  ['high', 'sms', 'heating has stopped working in the whole B&B, radiators are cold. guests arriving at 4'],
  [
    'high',
    'sms',
    'i put my code in at the storage place and it says access denied, my van is here with a removal team on the clock',
  ],
  [
    'high',
    'email',
    "Hello,\n\nThe website you built for us has been showing a 'database connection error' since about 7 this morning. We're not losing sales (we don't sell online) but people can't see our opening hours or book. Could someone take a look today please?\n\nBest,\nHelen, Ashgrove Physio",
  ],
  [
    'high',
    'sms',
    'tattoo from tuesday is really red and hot around the edges and oozing yellow. is that normal or should i see someone',
  ],
  [
    'high',
    'sms',
    "my lesson with the guitar teacher was at 4 and he's not here and not answering. this is the second week running",
  ],
  [
    'high',
    'sms',
    "the hire car's tyre pressure warning came on and the back left is visibly flat, im at the services on the m5, supposed to be in cornwall by tonight",
  ],
  [
    'high',
    'email',
    "Hi,\n\nYou delivered the wrong sofa. Ours was the grey three-seater; this is a blue corner unit and it's blocking our hallway. We have family arriving tomorrow. Please arrange collection and the right one as a matter of priority.\n\nThanks,\nOlu",
  ],
  [
    'high',
    'slack',
    "payroll run failed overnight — error 'bank file rejected'. staff expect to be paid today",
  ],
  [
    'high',
    'sms',
    "lol ok so the locksmith you sent today changed the wrong door's lock 🙃 we have no key for the back door now",
  ],
  [
    'high',
    'sms',
    'I will be leaving a review about the way your receptionist spoke to me this morning. Absolutely unacceptable. I expect a call from the manager.',
  ],
  [
    'high',
    'sms',
    "the kitchen tap you fitted yesterday is dripping constantly from the base, there's a bowl under it. can someone come back today",
  ],
  [
    'high',
    'email',
    "Hi Amy,\n\nSorry to bother you on a Saturday. Our accountant software login (the one you set up) says our subscription has lapsed and we can't file the VAT return, which is due Monday. Is there anything that can be done today?\n\nCheers,\nRob",
  ],
  [
    'high',
    'sms',
    "hi our kid came home from daycare with someone else's coat and his inhaler is in his own coat pocket. need it back tonight",
  ],
  [
    'high',
    'sms',
    "meal prep delivery came today and half the boxes are warm and the chicken smells off. i'm not eating that. refund please",
  ],
  [
    'high',
    'sms',
    "alarm panel at the shop keeps beeping with 'zone 3 fault' and won't set. i need to lock up and go at 6",
  ],
  [
    'high',
    'email',
    "Subject: Unacceptable\n\nI've emailed four times about the deposit for the venue that you cancelled. Four. I want the full £1,500 back, and if it's not in my account by tomorrow I will be taking this to small claims.\n\nRuth Bellamy",
  ],
  [
    'high',
    'sms',
    'the printer you delivered to our office makes a grinding noise and jams on every page. Board papers need printing this afternoon',
  ],
  [
    'high',
    'sms',
    'vet - my rabbit hasnt eaten since yesterday and hasnt pooped. shes still moving around but very quiet. can we come today',
  ], // why: a pet unwell needing today, not in acute distress right now
  [
    'high',
    'sms',
    "ordered a wheelchair-accessible taxi for my dad's hospital appointment at 2 today, the car that came isn't accessible and has left",
  ],
  [
    'high',
    'slack',
    "Our Google reviews widget on the site shows someone else's business reviews since your update. Kind of embarrassing, can you pull it today",
  ],
  [
    'high',
    'sms',
    'Buenos días, the apartment key you leave in the box is not there. We are outside with our children and luggage. Please help us',
  ],
  [
    'high',
    'email',
    'Hi,\n\nThe prints for our exhibition opening tomorrow evening came back with a green cast on every one. These are not what we approved on the proof. Can they be reprinted today?\n\nKind regards,\nMaya Chen',
  ],
  [
    'high',
    'sms',
    "so glad i paid extra for 'next day' delivery on my daughter's birthday present... which is now arriving 'in 3-5 days'. her birthday is tomorrow. sort it out.",
  ],
  [
    'high',
    'sms',
    "garage door opener stopped working, the door is stuck half open and I can't leave the house unlocked overnight",
  ],
  [
    'high',
    'sms',
    'the gym app says my membership is frozen and wont let me in the door. i paid on the 1st. standing outside now',
  ],
  [
    'high',
    'email',
    "Hello,\n\nI'm a new patient booked in for 9:30 this morning. I've been sitting in reception for 50 minutes and nobody can tell me when I'll be seen. I've had to take unpaid leave for this. If I'm not seen in the next 20 minutes I'm leaving and I expect the deposit back.\n\nJ. Mensah",
  ],
  [
    'high',
    'sms',
    "hi its the caterer for tomorrows wedding right? the bride's mum here, the final numbers we sent went up by 15 and we just noticed your confirmation still says 85. can you cover 100??",
  ],
  [
    'high',
    'sms',
    'ants everywhere in the kitchen again, the treatment last week did nothing. restaurant inspection is tomorrow morning',
  ],
  [
    'high',
    'sms',
    "hi the chiropractor cracked my neck yesterday and since then i have a pins and needles down my right arm that hasn't gone away. should i come back in today",
  ],
  [
    'high',
    'slack',
    "Can't access the shared drive since the migration, says 'permission denied' on every folder. Clients are waiting on files I promised by noon",
  ],
  [
    'high',
    'sms',
    "the bouquet i just picked up is half dead already, the roses are drooping and brown. its for my wife's 40th tonight",
  ],
  [
    'high',
    'email',
    'Dear team,\n\nI am writing in regards to the tutoring invoice. My son had no lesson on 12, 19 and 26 November because the tutor did not come, but I was charged for all of them. I kindly request refund of these three sessions. I do not want to continue with your service.\n\nThank you,\nMrs. Farah Siddiqui',
  ],
  [
    'high',
    'sms',
    'our laundry came back and two of my work shirts are missing. i need one for an interview tomorrow 9am',
  ],
  [
    'high',
    'sms',
    "really not trying to be a pain but the electrician's left the kitchen with no power at all, fridge is off. He said he'd be back but that was 3 hours ago",
  ],
  [
    'high',
    'sms',
    "you've booked our cottage for the wrong dates!! the confirmation says the 5th to 7th, we're standing at the door on the 5th and someone else is in it",
  ],
  [
    'high',
    'email',
    "Hi,\n\nWe just got our car back from the body shop and the paint on the new bumper doesn't match — it's visibly a different silver. I'm not accepting it like this. I'd like to know today how you plan to fix this.\n\nRegards,\nNeil Ashworth",
  ],
  [
    'high',
    'sms',
    "the prescription i ordered for collection today isn't ready and the pharmacist says it wasn't sent. i have 1 tablet left",
  ],
  [
    'high',
    'slack',
    "new laptop you set up for our receptionist won't connect to the phone system. She starts in the morning",
  ],
  [
    'high',
    'sms',
    'why is there a £75 cancellation fee on my card?? i cancelled 3 days ahead like your policy says. put it back please',
  ],
  [
    'high',
    'sms',
    "the photographer hasn't confirmed for tomorrow's shoot and his phone is off. we have 6 models booked for 8am",
  ],
  [
    'high',
    'email',
    'Good evening,\n\nI dropped my coat off for dry cleaning a week ago and when I collected it today there is a large bleach stain on the front. This is a £400 coat. I expect you to replace it or pay for it.\n\nCatherine Doyle',
  ],
  [
    'high',
    'sms',
    "hey the front door lock is jammed, key turns but the bolt wont move. we cant lock the house and we're supposed to leave for the airport at 4",
  ],
  [
    'high',
    'sms',
    'hello, the cake we picked up has slid in the box and the top tier has cracked. party is at 5, can you repair it if we bring it back now',
  ],
  [
    'high',
    'sms',
    'i think i was overcharged at your garage today by like 200 quid and the mechanic was rude when i asked. not ok',
  ],
  [
    'high',
    'slack',
    "website contact form's not sending anything, we've lost a day of enquiries. can you fix before we close",
  ],
  [
    'high',
    'sms',
    "moving company lost a box with all our kids' medications and passports. we need them found today",
  ],
  [
    'high',
    'email',
    "Hello Green Thumb,\n\nYour mowing crew this morning drove over our sprinkler heads and now two zones are spraying straight up into the air. I've turned the system off but the lawn and new beds won't survive long without it in this heat. Please send someone out today.\n\nThanks,\nBarb",
  ],
  [
    'high',
    'sms',
    'no-one told me my flight was changed. now i land after the last train. travel agent please sort a hotel tonight',
  ],
  [
    'high',
    'sms',
    "bride here — the hair trial was fine but the stylist who's meant to come tomorrow morning just texted she's sick. who's replacing her?",
  ],
  ['high', 'sms', 'the order i picked up is missing the vegetarian lasagne, we have guests in 30 mins'],
  [
    'high',
    'email',
    "Hi,\n\nYour technician was supposed to arrive between 8 and 12 today for the washing machine repair. It's now 2:30. I took the day off work for this. This is the second time this month you've done this. Please either send someone today or refund the call-out fee.\n\nAndrew",
  ],
  [
    'high',
    'sms',
    "i just found out the deposit for my car rental was taken three times. that's 900 dollars frozen. i need it released today",
  ],
  [
    'high',
    'slack',
    "VPN is refusing everyone's login since 9 — 'certificate expired'. whole remote team can still email but can't reach any files",
  ], // why: degraded, not stopped: email still works
  [
    'high',
    'sms',
    'our heating oil delivery was meant to be yesterday, tank is empty, house is 12 degrees and mum is 88',
  ],
  [
    'high',
    'sms',
    "hi my braces bracket popped off while eating. it's not hurting but the wire is digging in a bit. any chance today",
  ],
  [
    'high',
    'email',
    "Hi,\n\nThe tiles the shop delivered this morning are the wrong colour (we ordered 'sand', these are 'stone'). The tiler is here now and booked for today and tomorrow only. Can you swap them this afternoon?\n\nThanks\nFiona",
  ],
  [
    'high',
    'sms',
    'absolute joke. waited 2 hrs for a table we booked and then you gave it away. never again, and i want our deposit back',
  ],
  [
    'high',
    'sms',
    'My card was declined for rent at your storage place and now my unit has an overlock on it. I need to get my tools out for a job tomorrow',
  ],
  [
    'high',
    'sms',
    "the tutor sent a link for tonight's exam prep session and it says the meeting has expired. exam is tomorrow morning",
  ],
  [
    'high',
    'slack',
    'can someone unlock my account pls? tried the password too many times, need to send the invoices before the post goes at 4',
  ],
  ['high', 'sms', "toilet won't stop running and now won't flush at all, only one bathroom in the house"],
  [
    'high',
    'email',
    "Dear Sir,\n\nI purchased a bicycle from your store on Saturday. Today the front brake failed while descending a hill and I fell off. I'm okay, just scraped, but the bike is not safe. I want a full refund and I want it looked at today.\n\nYours,\nHenrik Larsen",
  ], // why: the injury is past and minor; what's needed today is a refund and a repair
  [
    'high',
    'sms',
    'hello, we booked the band for our party tomorrow at 8 and their manager just said the van has broken down. are they still coming??',
  ],
  [
    'high',
    'sms',
    'the hamster you sold us yesterday has wet tail i think, its bum is wet and smells and hes hunched. is that bad',
  ], // why: could be critical; he's unwell but not collapsing, so same-day care rather than danger right now
  [
    'high',
    'sms',
    'yo your app took my money for the parking but the barrier still isnt opening, theres a line of cars behind me honking',
  ],
  [
    'high',
    'email',
    'Hi,\n\nMy passport appointment photos from your shop were rejected at the post office today — they say the background is wrong. My appointment is tomorrow at 10am. Could I come in first thing to have them redone?\n\nCheers,\nLeo',
  ],
  [
    'high',
    'sms',
    "hi sorry to bother, but the babysitter from your agency hasn't turned up and my shift starts at 7 tonight",
  ],

  // normal: an ordinary request with time to spare (bookings, quotes, changes days ahead, order status without
  // distress, billing questions)
  [
    'normal',
    'sms',
    'hi could i book a cut and colour for sometime next week? thursday or friday afternoon ideally',
  ],
  [
    'normal',
    'email',
    "Hello,\n\nWe're looking to get a quote for replacing the guttering on a semi-detached house, front and back. Would someone be able to come and measure in the next couple of weeks?\n\nMany thanks,\nJoanne Price",
  ],
  [
    'normal',
    'sms',
    'hey whats the status on my order #5531? ordered last week, no stress just wondering when to expect it',
  ],
  [
    'normal',
    'slack',
    'could we move our monthly IT check-in from the 14th to the 21st? the office is closed that week',
  ],
  ['normal', 'sms', "Hi, can I change my dog's grooming from the 18th to the 20th? Same time if possible"],
  [
    'normal',
    'email',
    "Dear Accounts,\n\nI noticed my invoice for November lists 'consultation – 2 hrs' but I believe it was 1.5. Could you double-check when you get a chance and reissue if needed?\n\nBest,\nMarcus Hale",
  ],
  ['normal', 'sms', 'do you do gluten free wedding cakes? ours is in june, about 90 guests'],
  [
    'normal',
    'sms',
    'Need to reschedule my cleaning appt next tues, something urgent came up at work. Wed or Thurs fine',
  ], // why: 'urgent' refers to the customer's own work; the change is days ahead
  [
    'normal',
    'email',
    "Hi there,\n\nWe're planning our company Christmas lunch for the 19th, around 25 people. Could you send over your set menus and availability? We'd like a private area if possible.\n\nThanks so much,\nElla\nBright Spark Marketing",
  ],
  [
    'normal',
    'sms',
    'how much would it be to fit a new consumer unit in a 3 bed? not in any hurry, the old one works, just want it updated before we sell',
  ],
  [
    'normal',
    'sms',
    'can i add a second pair of lenses to my order, the blue light ones? collecting next friday',
  ],
  [
    'normal',
    'slack',
    'when you get a minute, can you set up an email account for our new hire? she starts on the 15th',
  ],
  [
    'normal',
    'sms',
    'hi, id like to book the boys in for their 6-month checkup. school hols would be easiest, week of the 22nd?',
  ],
  [
    'normal',
    'email',
    "Good morning,\n\nWe'd like to get our annual boiler service booked. Any weekday morning in January works for us.\n\nRegards,\nMr. & Mrs. Holloway\n22 Fern Lane",
  ],
  [
    'normal',
    'sms',
    "is my prescription ready yet? i put it in on monday. i've still got a week's worth left",
  ],
  [
    'normal',
    'sms',
    'yo can u quote me for moving a 2 bed flat across town, end of the month, 3rd floor no lift',
  ],
  [
    'normal',
    'email',
    "Hello,\n\nI was billed £45 for a 'late collection fee' on the 3rd. I'm not disputing it, I just don't remember being late — could you tell me which day this was for?\n\nThanks,\nDevon",
  ],
  [
    'normal',
    'sms',
    'hi, whats your availability for a family photoshoot in the spring? thinking april, outdoors',
  ],
  [
    'normal',
    'sms',
    'Could we bump my piano lesson to 5:30 instead of 5 from next week onwards? Traffic is awful on tuesdays',
  ],
  [
    'normal',
    'slack',
    'we need 3 more licences for the design software by the start of next month, can you add them to our account and let me know the cost',
  ],
  [
    'normal',
    'email',
    "Hi Jenna,\n\nJust following up on the quote you mentioned for the patio — no pressure, we're not planning to start till March, but we'd like to budget for it.\n\nCheers,\nAlan",
  ], // why: asks for a quote, so an action, but with months to spare
  [
    'normal',
    'sms',
    'whats the earliest you could fit a new lock on our shed? nothings wrong with it, just want a better one',
  ],
  [
    'normal',
    'sms',
    "Hello! I'd like to order 3 dozen cupcakes for my son's class party on the 17th. Chocolate, blue icing pls",
  ],
  [
    'normal',
    'email',
    "To whom it may concern,\n\nI'd like to switch my gym membership from monthly to annual when it renews on January 1st. Could you let me know the price and what I need to do?\n\nKind regards,\nBeatrice Yung",
  ],
  [
    'normal',
    'sms',
    "Hi! Can I change the delivery address for my order to my work address? It's not shipped yet I think",
  ],
  [
    'normal',
    'sms',
    "hiya, pest control is due for our quarterly visit, can we do the 9th or 10th? restaurant's closed mondays",
  ],
  ['normal', 'slack', "hey, can we get a quote for moving our server to the cloud? we're aiming for Q2"],
  [
    'normal',
    'email',
    'Hello,\n\nMy daughter would like to start maths tutoring for her GCSEs, which are in May. Do you have any tutors free on Wednesday evenings? What are the rates?\n\nThank you,\nNadia Hussain',
  ],
  ['normal', 'sms', 'do u have any slots for a tattoo consult in the next few weeks? half sleeve, florals'],
  ['normal', 'sms', "hi, i'd like to cancel my appointment for the 28th please, i'll rebook in the new year"],
  [
    'normal',
    'sms',
    'the invoice you sent has our old address on it, can you update it for future ones? thanks',
  ],
  [
    'normal',
    'email',
    "Hi,\n\nWe have a pool service contract with you that runs out at the end of the month. We'd like to renew but drop to fortnightly visits over winter. Could you send revised terms?\n\nBest regards,\nThe Okonjos",
  ],
  [
    'normal',
    'sms',
    'any chance the bike could be ready by saturday instead of monday? if not thats fine too',
  ],
  [
    'normal',
    'sms',
    "Hi, checking if my car's MOT is booked for the 12th? I got an email but it didn't say a time",
  ],
  [
    'normal',
    'slack',
    'could you add Marco to the Slack workspace and give him access to the bookings calendar? he joins next week',
  ],
  [
    'normal',
    'email',
    "Hello,\n\nI'm getting married next September and am looking at florists. Could you send me your wedding brochure and an idea of price for a bridal bouquet, 4 bridesmaids and table centrepieces for 12 tables?\n\nLovely regards,\nSophie",
  ],
  [
    'normal',
    'sms',
    'when will my refund from the returned jacket go through? sent it back on the 2nd. just keeping track',
  ], // why: a refund status question without distress, not a refund demand
  ['normal', 'sms', "hey could we book the dog walker for daily walks the week of the 26th? we're away"],
  [
    'normal',
    'sms',
    'Can I get an estimate for having the whole house re-carpeted? Not urgent, maybe in the new year',
  ],
  [
    'normal',
    'email',
    "Dear Dr. Morgan's office,\n\nMy dog Biscuit is due his booster vaccinations next month. Could we book a morning appointment in the first week?\n\nThank you,\nGwen",
  ],
  [
    'normal',
    'sms',
    'can you tell me what the deposit is for booking the venue for a 50th birthday in march?',
  ],
  [
    'normal',
    'sms',
    'Hi there, I was wondering if the price of the window cleaning has gone up? My last invoice was a bit more than usual',
  ],
  [
    'normal',
    'slack',
    'need to order 2 new monitors for the front desk. could you quote a couple of options? nothing fancy',
  ],
  [
    'normal',
    'email',
    'Hello,\n\nPlease could you change my standing Friday order to 4 loaves instead of 3, starting from the 13th?\n\nThanks,\nCafé Rosa',
  ],
  ['normal', 'sms', 'hi whats the lead time on a custom suit? my brothers wedding is in 8 weeks'],
  [
    'normal',
    'sms',
    'need a quote to get the garden cleared and a fence put up before summer. can someone come look',
  ],
  [
    'normal',
    'email',
    "Hi,\n\nWe'd like to book your car rental for a week in February, arriving at the airport on the 14th at 10am. Something mid-size, automatic. Can you confirm availability and price?\n\nThanks,\nKeisha & Dan",
  ],
  ['normal', 'sms', "can i book a sports massage for the 9th? it's the week after my marathon lol"],
  ['normal', 'sms', "hi has my parcel shipped yet? tracking hasn't updated since tuesday"],
  [
    'normal',
    'slack',
    "our domain renews on the 30th, can you confirm it's set to auto-renew and what card it's on?",
  ],
  [
    'normal',
    'email',
    "Hello,\n\nWe'd like a quote for a full service of our air conditioning units (3 split units) before the summer. Please let us know your earliest availability in April.\n\nBest wishes,\nCarla, Sunrise Dental",
  ],
  ['normal', 'sms', 'i need to move my eye test from next tuesday, can we do the thursday instead'],
  [
    'normal',
    'sms',
    'would you be able to cater a small christening, about 30 ppl, on 11 jan? finger food, nothing fancy',
  ],
  ['normal', 'sms', 'Hey can I upgrade my storage unit to the bigger size from next month?'],
  [
    'normal',
    'email',
    'Dear Sir or Madam,\n\nI would like to request a copy of my dental records to take to my new dentist, as I am moving abroad in February. Please advise what you need from me.\n\nSincerely,\nTomasz Wiśniewski',
  ],
  [
    'normal',
    'sms',
    'hi when can you fit me in for a filling? the dentist said within the next month, no pain',
  ],
  [
    'normal',
    'sms',
    'can the movers pack the kitchen the day before the move, or is that extra? move is on the 30th',
  ],
  [
    'normal',
    'slack',
    "reminder for next week — can you set up the new printer in the back office when you're in on wednesday?",
  ],
  [
    'normal',
    'email',
    'Hi Sam,\n\nCould we get 500 business cards printed with the new logo? No rush on delivery — anytime in the next two weeks is good. Files attached.\n\nThanks,\nRaj',
  ], // why: says 'no rush' but it is still an order to fulfil within weeks
  [
    'normal',
    'sms',
    'hello do you take new patients? I just moved to the area, looking for a regular dentist',
  ],
  [
    'normal',
    'sms',
    'Hi! Can I pay the rest of the balance for the wedding photography by bank transfer? What are your details?',
  ],
  [
    'normal',
    'sms',
    'any chance of a cheaper rate if we book the B&B for 5 nights instead of 3? looking at easter',
  ],
  [
    'normal',
    'email',
    "Hi team,\n\nOur lease ends in March and we'll be moving offices. We'll need the network, phones and printers moved over the weekend of 21 March. Could you put together a plan and a quote?\n\nRegards,\nPhilippa Grant\nGrant & Co Solicitors",
  ],
  ['normal', 'sms', 'hi can my son do the saturday swim lesson instead of wednesday from january'],
  [
    'normal',
    'sms',
    "my order says 'processing' still, is that normal? ordered 4 days ago. it's a gift for the 20th",
  ],
  [
    'normal',
    'sms',
    'Could you check if the roofer can come for a quote next week? One of the ridge tiles looks a bit loose, nothing falling in',
  ],
  [
    'normal',
    'slack',
    'hey, can we turn on 2-factor for everyone at some point this month? read an article and got paranoid 😅',
  ], // why: a precaution with time to spare, no breach happening
  [
    'normal',
    'email',
    'Hello,\n\nI received two invoices for the December session, one for £60 and one for £65. I assume one is a mistake — could you let me know which I should pay?\n\nWarm regards,\nLucy',
  ],
  ['normal', 'sms', 'hello, need chimney swept before we use the fire over christmas. what dates have u got'],
  [
    'normal',
    'sms',
    'Hi, could the daycare give us a place 3 days a week starting in February? Our son will be 2',
  ],
  [
    'normal',
    'sms',
    "hiya can we add an extra bedroom to the cleaning from next visit? the spare room's now a nursery",
  ],
  [
    'normal',
    'email',
    "Hello,\n\nI'd like to book an accountancy consultation before the end of January to go through my self-assessment. Mornings work best for me.\n\nThanks,\nIan Brookes",
  ],
  ['normal', 'sms', 'can u tell me the price to tune up 3 bikes before our cycling holiday in may'],
  ['normal', 'sms', 'yo is the 2 for 1 on tattoo flash still running next weekend? want to book a slot'],
  [
    'normal',
    'slack',
    "could you look into why the wifi is slow in the meeting room? it's usable, just sluggish. whenever you're next in is fine",
  ], // why: asks for an action (a fix), though it can wait till the next visit
  [
    'normal',
    'email',
    "Dear Travel Team,\n\nWe're a family of four looking for a package holiday to Portugal for the first two weeks of August. Could you send a few options with flights from Bristol?\n\nKind regards,\nThe Martins",
  ],
  [
    'normal',
    'sms',
    'what time do i need to drop my car off on monday for the service? and will i need a courtesy car',
  ],
  [
    'normal',
    'sms',
    "Hi we'd like to change our wedding menu, swap the salmon for the chicken. wedding's in april",
  ],
  ['normal', 'sms', 'hey can i get my bill split into 2 payments this month? bit tight after xmas'],
  [
    'normal',
    'email',
    "Hi,\n\nWe need someone to fit an outdoor socket for the garden before spring. Could you let me know a rough price and when you'd be free?\n\nThanks,\nKeith",
  ],
  ['normal', 'sms', 'do you do alterations on wedding dresses? mines a size too big, wedding is june'],
  ['normal', 'sms', 'hi, could i order a bouquet for delivery on valentines? red and white, around 50 quid'],
  [
    'normal',
    'slack',
    'when is our support contract up for renewal? want to look at the pricing before the board meeting next month',
  ],
  [
    'normal',
    'email',
    "Hi,\n\nI'd like to book Luna in for her spay. The vet suggested after her next season, so late February probably. What do you need from us beforehand?\n\nThanks,\nAmira",
  ],
  ['normal', 'sms', 'Hiya, my laundromat loyalty card isnt showing last weeks stamps, can you add them?'],
  ['normal', 'sms', "hello i'd like to pre order a turkey for the 23rd, 6kg, free range if you have"],
  [
    'normal',
    'email',
    'Good afternoon,\n\nIs it possible to extend our stay at the hotel by one night, checking out on the 16th instead of the 15th? We arrive on the 12th.\n\nBest,\nHiroshi Tanaka',
  ],
  [
    'normal',
    'sms',
    "Hi, I'm thinking of switching to your chiropractic clinic. Do you take my insurance (Bupa)? I'd like to book an initial assessment",
  ],
  [
    'normal',
    'slack',
    'can we get the Wi-Fi password changed for the guest network? we do it every quarter, next week is fine',
  ],
  [
    'normal',
    'sms',
    'how long will the hoodie reprint take if i order 40 today? for a charity run in 5 weeks',
  ],

  // low: nothing to do soon (thanks, praise, feedback, general information, "no rush", "whenever")
  ['low', 'sms', 'just wanted to say the cake was incredible, everyone asked where it was from 🎂❤️'],
  [
    'low',
    'email',
    "Hi Claire,\n\nA quick note to thank you and the team for the work on our kitchen. The new lights look fantastic and your electrician was so tidy. We'll definitely recommend you.\n\nAll the best,\nMargaret and Jim",
  ],
  ['low', 'sms', 'thanks for fitting me in last minute yesterday, hair looks amazing'],
  ['low', 'slack', "fyi we'll be closed 24th–2nd so no need to schedule anything over the holidays"],
  ['low', 'sms', 'do you guys ever do gift vouchers? no rush, just thinking ahead for next year'],
  [
    'low',
    'sms',
    'the plumber was brilliant, fixed it in 10 minutes and explained everything. please pass on my thanks',
  ],
  [
    'low',
    'email',
    "Hello,\n\nJust some feedback after our stay: the breakfast was wonderful but the shower took a long time to warm up. Not a complaint really, just thought you'd want to know. We'd happily come back.\n\nBest,\nHelga",
  ],
  ['low', 'sms', 'Emergency over lol, found my keys in the fridge 🙈 ignore my last message'], // why: the emergency word is cancelled; nothing left to do
  [
    'low',
    'sms',
    'whenever you get round to it, could you send me the photos in black and white too? honestly no hurry at all',
  ],
  ['low', 'sms', 'great session today, my back feels so much better 🙏'],
  ['low', 'slack', "thanks for sorting the printer last week, it's been perfect since"],
  [
    'low',
    'email',
    'Dear Oakfield Vets,\n\nSadly we had to say goodbye to Max last month. I wanted to thank all of you for the kindness you showed him over 14 years, and us at the end. It meant a great deal.\n\nWith gratitude,\nThe Parkers',
  ],
  ['low', 'sms', 'what are your opening hours over new year? just curious'],
  ['low', 'sms', 'not urgent at all but at some point could you let me know if you do ear piercing'],
  ['low', 'sms', '5 stars from me!! tutor was patient with my daughter and she actually enjoys maths now'],
  [
    'low',
    'email',
    'Hi,\n\nI saw on your website that you now offer mobile bike repairs. Do you cover the Westbury area? No plans right now, just filing it away for when I need it.\n\nThanks,\nOwen',
  ],
  ['low', 'sms', "btw the pool looks the cleanest it's ever been, whatever you changed keep doing it"],
  ['low', 'sms', 'haha the flowers were a hit, she cried (good tears)'],
  ['low', 'slack', "no action needed — just letting you know we renamed the 'Sales' channel to 'Revenue'"],
  ['low', 'sms', 'hi do you still do the loyalty stamp cards or did that stop? no worries either way'],
  [
    'low',
    'email',
    "Hi everyone,\n\nJust to let you know I'm on maternity leave from the 1st. Our bookkeeping will be handled by Tom in the meantime, same email address. Nothing to do on your side.\n\nThanks for everything this year,\nKaty",
  ],
  ['low', 'sms', "food at the wedding was out of this world. my uncle hasn't stopped talking about the lamb"],
  ['low', 'sms', 'movers were super careful with the piano, thank you!!'],
  ['low', 'sms', "i'm dying to try your new sourdough lol see u saturday"], // why: 'dying' is casual
  [
    'low',
    'email',
    'Hello,\n\nSuggestion for the future: it would be great if your online booking showed which stylist is free, rather than just the time. Not a big deal, just an idea.\n\nRegards,\nAnnabel',
  ],
  ['low', 'sms', 'do u know if the bike shop sells kids helmets? just browsing for xmas ideas'],
  ['low', 'slack', 'Great job on the new site guys, customers keep mentioning how easy it is to book now 🙌'],
  ['low', 'sms', 'hi is the dentist open saturdays? asking for future reference'],
  ['low', 'sms', 'just read your newsletter, love the new winter menu'],
  [
    'low',
    'email',
    "Hello,\n\nI'm a student writing a project on small businesses in the area. Would you be willing to answer a few questions sometime in the spring term? Completely fine if not.\n\nThanks,\nFreya Lindqvist",
  ],
  ['low', 'sms', 'thx for the reminder text, see you in march'],
  ['low', 'sms', 'the new receptionist is lovely btw. very welcoming'],
  ['low', 'sms', "whenever you've a sec, what's the best way to look after a new leather sofa? no rush"],
  ['low', 'slack', 'fyi the old laptop in the cupboard can be recycled whenever, no one uses it'],
  [
    'low',
    'email',
    'Dear team,\n\nI received my order today, everything was exactly as described and beautifully packaged. The handwritten note was a lovely touch.\n\nWarmly,\nRosalind',
  ],
  ['low', 'sms', 'lol my cat is furious about his nail trim but his fur looks amazing. thank u'],
  [
    'low',
    'sms',
    'hey do you sponsor local sports teams at all? our kids footie club is looking for next season',
  ],
  ['low', 'sms', "honestly the best car service i've had, and you even washed it. top marks"],
  [
    'low',
    'email',
    "Hi Alex,\n\nNo need to reply to this — just confirming I got the quote and we'll be in touch in the new year once we've decided.\n\nCheers,\nBen",
  ],
  ['low', 'sms', 'does the gym have a sauna? thinking about joining sometime next year'],
  [
    'low',
    'sms',
    "urgent question 😂 what's the name of the candle you had burning in reception, smelled amazing",
  ], // why: 'urgent' used jokingly; a general question
  [
    'low',
    'slack',
    'Just a heads up, our office will be closed on the bank holiday Monday. Carry on as normal after',
  ],
  ['low', 'sms', 'wow the kitchen looks like new after the deep clean. thanks team'],
  [
    'low',
    'email',
    'Hi,\n\nI wanted to share some feedback about my stay. The room was comfortable and the staff were helpful, but the walls were quite thin and we could hear the neighbours. Overall good, 4/5.\n\nThanks,\nPaolo',
  ], // why: mild feedback, not an angry complaint; asks for nothing
  ['low', 'sms', "is it true you're opening a second branch? heard a rumour"],
  ['low', 'sms', 'found the receipt, ignore my earlier email about the charge, it was mine 👍'],
  ['low', 'sms', 'merry xmas to all the staff at the daycare, thanks for looking after lily all year'],
  [
    'low',
    'email',
    "Hello,\n\nYou did our roof two years ago and I just wanted to say we came through the big storm last week without a single drip, while the neighbours weren't so lucky. Money well spent!\n\nBest regards,\nDerek",
  ],
  [
    'low',
    'sms',
    'hey whats the difference between your basic and premium pest plans? not signing up yet just comparing',
  ],
  ['low', 'sms', "thank you for the photos, they're perfect. my mum's going to frame the one by the lake"],
  [
    'low',
    'slack',
    "fyi Sarah's leaving end of Jan. we'll let you know when her replacement starts, nothing needed yet",
  ],
  ['low', 'sms', "I don't need anything, just want to say the tailoring on my coat is impeccable"],
  [
    'low',
    'email',
    "Good evening,\n\nWe're thinking about maybe having a garden room built in a year or two. Do you do that kind of thing? Just gathering ideas at this stage, nothing planned.\n\nRegards,\nFrancesca",
  ],
  ['low', 'sms', 'your locksmith guy was so fast last week honestly lifesaver. 10/10'],
  ['low', 'sms', 'Are dogs allowed in the tea room? Might pop in sometime'],
  ['low', 'sms', 'just a thought but a text when the laundry is ready would be handy'],
  [
    'low',
    'email',
    "Dear Dr. Ahmed,\n\nThank you for the time you took explaining my options last week. I'm still thinking it over and will call when I've decided — could be a few months.\n\nKind regards,\nElaine",
  ],
  ['low', 'sms', 'not a complaint but the parking at your place is tricky, maybe put up a sign one day'],
  ['low', 'slack', 'all good on our end after the update. no problems to report'],
  ['low', 'sms', 'the kids had a blast at the party, thanks for making it so fun'],
  ['low', 'sms', 'how long have u been in business? love supporting local'],
  [
    'low',
    'email',
    "Hi,\n\nI've changed my phone number to 07700 900123. Nothing else has changed — please just update your records whenever convenient.\n\nThanks,\nAisha",
  ], // why: 'whenever convenient' — no time pressure
  ['low', 'sms', 'saw your van on the motorway today haha, waved'],
  ['low', 'sms', "ok no worries, we'll wait till the spring to do the fence then. speak then"],
  ['low', 'sms', "honestly can't believe how good the colour is, everyone at work noticed 💇‍♀️"],
  ['low', 'slack', "thanks for the quick fix yesterday, you're a legend"],
  [
    'low',
    'email',
    "Hello Sunshine Tutors,\n\nMy son passed his 11+! We're over the moon and wanted to say thank you to Mr Evans for all his help.\n\nWith thanks,\nThe Ogundele family",
  ],
  ['low', 'sms', 'what kind of flowers are in season in winter? just curious for ideas'],
  ['low', 'sms', 'the cleaner left a lovely note, so sweet. thank you'],
  ['low', 'sms', 'i was going to complain about the wait but honestly the food made up for it 😂'], // why: explicitly not complaining; praise
  [
    'low',
    'email',
    'Dear Manager,\n\nJust to let you know the storage facility is looking very well kept since the renovation. The new lighting makes a real difference at night.\n\nBest,\nGordon',
  ],
  ['low', 'sms', 'do you do tutoring in french too? maybe for next school year'],
  ['low', 'sms', 'no need to call me back, the pharmacist already answered my question in store'],
  [
    'low',
    'slack',
    'interesting article on phishing attacks going round, might be worth a read for your other clients',
  ],
  ['low', 'sms', "thanks so much for the advice on the dog's diet, he's doing great on it"],
  [
    'low',
    'email',
    "Hi Tash,\n\nJust wanted to say the venue was perfect on Saturday. Everyone said it was the best wedding they'd been to. Thank you for making it so easy.\n\nLove,\nBeth & Ryan",
  ],
  ['low', 'sms', "is your shop dog friendly? we've got a new pup"],
  [
    'low',
    'sms',
    'really impressed with the crew today, they cleaned up after themselves which never happens',
  ],
  [
    'low',
    'sms',
    "we might want to book a photoshoot for our 10th anniversary next year, I'll be in touch closer to the time",
  ],
  ['low', 'sms', 'cheers for letting me know about the price change, makes sense'],
];
