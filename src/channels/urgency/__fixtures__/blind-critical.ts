/**
 * 40 critical messages written on 2026-12-05 from labelling-guide.md alone, by a writer who never saw the scorer
 * or the other fixtures (the start of a blind set; its high, normal and low parts are not written yet). Scored once
 * after they were frozen: the scorer finds 22 of 40 (12 rated normal). They are evidence of how the scorer
 * generalizes, not tuning material: a rule written from them would make that evidence worthless.
 */
import type { LabelledMessage } from '../evaluate.js';

export const blindCriticalMessages: LabelledMessage[] = [
  [
    'critical',
    'sms',
    "sorry to bother u on a sunday but theres water coming thru the ceiling into the light in the hallway, it's buzzing",
  ],
  [
    'critical',
    'sms',
    'smell gas really strong near the boiler you serviced yesterday, kids are home what do i do',
  ],
  [
    'critical',
    'email',
    'Hello,\n\nI picked up the birthday cake an hour ago that was marked nut free. My son took one bite and his lips are swelling up and he is wheezing. We are giving him his epipen now. Please tell me exactly what was in the filling so I can tell the paramedics.\n\nMaria',
  ],
  [
    'critical',
    'slack',
    'POS is completely down at the front counter, cant ring up anyone, line out the door. need someone on this NOW',
  ],
  [
    'critical',
    'sms',
    'my dog ate the rat bait your guy put down in the garage, she is shaking and drooling. is it the kind that is poison for dogs??',
  ],
  [
    'critical',
    'email',
    "Hi there, hate to be a pain. Someone has just logged into our shop admin from an IP in another country and is changing the payout bank details as I watch. I've not done this. How do I lock it?\n\nThanks, Dev (Petal & Stem Florist)",
  ],
  [
    'critical',
    'sms',
    'the heater u installed is making smoke and a burning plastic smell, turned it off at the switch but still smoking',
  ],
  [
    'critical',
    'slack',
    'hey so every card payment on the website is failing since like 20 min ago, we literally cannot take a single order. black friday sale is live',
  ],
  [
    'critical',
    'sms',
    'cat just had a seizure after the flea treatment u gave her this morning, shes breathing weird, can we come in right now',
  ],
  [
    'critical',
    'sms',
    'Pipe under sink burst, water everywhere in kitchen floor going into the living room, cant find the shut off valve!!!',
  ],
  [
    'critical',
    'email',
    'Dear team,\n\nOur restaurant walk-in freezer has stopped and the temperature is at 12 degrees and rising. We have roughly four thousand dollars of stock in there and dinner service starts in two hours. Your technician fitted the compressor last month.\n\nPlease call me immediately on the number below.\n\nGiorgos Papadakis\nOwner, Olive Tree Taverna',
  ],
  [
    'critical',
    'sms',
    'no rush on the invoice but FYI a kid fell off the climbing frame at pickup and hit his head hard, hes vomiting, we called 911, his mom is on your list as contact can u reach her',
  ], // why: 'no rush' refers to the invoice; an injured child is critical
  [
    'critical',
    'slack',
    'all the tills and the card reader went offline at once and the wifi is dead, salon full of clients waiting to pay. nothing works',
  ],
  [
    'critical',
    'sms',
    'hi!! just a quick one 🙂 the lady next to me in the waiting room collapsed, your receptionist isnt at the desk, is anyone there?? shes not answering',
  ],
  [
    'critical',
    'email',
    'Good afternoon,\n\nI just got a text from my bank about 6 transactions on the card I used on your website this morning, all in the last ten minutes, none of them mine. I think your checkout has been hacked. It is still happening.\n\nRegards,\nP. Nwosu',
  ],
  [
    'critical',
    'sms',
    'carbon monoxide alarm going off in the basement where the new furnace is. we are outside now. should we call fire dept?',
  ],
  [
    'critical',
    'sms',
    'ur guy left the mower running and it rolled into the pool shed, now the shed is on fire. we called fire brigade but is there fuel in that thing',
  ],
  [
    'critical',
    'slack',
    'our whole email is sending spam to every customer in the address book right now, hundreds of msgs going out. someone got in. please help stop it',
  ],
  [
    'critical',
    'email',
    'Hello, I am writing from room 14. Water is pouring out of the bathroom ceiling and has reached the electrical socket near the bed. Nobody is answering at reception. My wife and baby are here.\n\nThank you, Hiroshi',
  ],
  [
    'critical',
    'sms',
    'dentist? i had my tooth pulled this morning and it will not stop bleeding, soaked through like 10 gauzes, feeling dizzy',
  ],
  [
    'critical',
    'sms',
    'the horse we boarded with your vet team is down in the stall and rolling, I think colic, please send someone out',
  ],
  [
    'critical',
    'slack',
    'cant open the shop: the alarm system you set up has locked the door controller and we cant get in, staff standing outside, opening time was 8',
  ],
  [
    'critical',
    'email',
    "Hi,\n\nThis isn't an emergency for you exactly but our entire online store is showing a blank white page since your update an hour ago. Customers can't buy anything and we run ads that are still spending. Please roll it back.\n\nCheers,\nNadia\nLittle Loom Yarns",
  ], // why: customer downplays it, but their business is stopped right now
  [
    'critical',
    'sms',
    "my daughter is in your daycare room 2 and the teacher just called saying she's having trouble breathing after snack, im driving there, did you call an ambulance??",
  ],
  [
    'critical',
    'sms',
    'gas stove in the kitchen still hissing after ur guy left, i turned the knob off but can hear it, opened windows',
  ],
  [
    'critical',
    'email',
    "Hello Bright Clean,\n\nYour cleaner used some mix of products in our bathroom and now there is a strong chlorine smell through the whole flat, my eyes are burning and my partner is coughing badly. What did she use? We've left the flat.\n\nTom",
  ],
  [
    'critical',
    'sms',
    'puppy ate a whole bar of dark chocolate from the bday cake we got from you lol not lol, hes panting and heart racing, coming to the clinic now',
  ],
  [
    'critical',
    'slack',
    'someone is using our company card on the accounting software you set up, new payees being added as we speak. urgent',
  ],
  ['critical', 'sms', 'wheres the main breaker, electrician left and the panel is sparking and popping'],
  [
    'critical',
    'email',
    "To whom it may concern,\n\nThe boiler in our guesthouse has started leaking hot water onto the floor of the utility room and it's spreading to the hallway under the guest rooms. We have 9 guests in. I've turned off what I can but it's still coming.\n\nPlease respond as soon as you see this.\nHelen - Seaview B&B",
  ],
  [
    'critical',
    'sms',
    'hello my english not good. the car you fix yesterday, brake not working now on highway i stop on side, is dangerous, please what to do',
  ],
  [
    'critical',
    'sms',
    'ok so not to be dramatic but the trainer left and a guy on the treadmill just fell and isnt getting up',
  ],
  [
    'critical',
    'slack',
    'kitchen printer + online ordering both died, orders just vanishing, friday night rush, we are dead in the water',
  ],
  [
    'critical',
    'sms',
    'tree ur crew was cutting fell on our neighbours car and the power line is down across the driveway, sparking',
  ],
  [
    'critical',
    'email',
    "Hi,\n\nI'm so sorry to email so late. Our rabbit had the neuter op today and he's bleeding from the wound through the bandage, quite a lot, and he's very flat and cold. Is there an after hours vet?\n\nBest, Ines",
  ],
  [
    'critical',
    'sms',
    'theres a wasp nest exploded out of the wall when i opened the cupboard my son got stung loads and hes allergic',
  ],
  [
    'critical',
    'slack',
    'ransomware screen on every pc in the office, files renamed, cant open anything, phones ringing, what do we unplug',
  ],
  ['critical', 'sms', 'AC unit on roof is on fire smoke coming in vents restaurant evacuated'],
  [
    'critical',
    'email',
    'Hello,\n\nThis is the manager of Sunny Days Daycare. Our front door lock is broken in the open position and one of the toddlers got out to the car park a moment ago - we have him back, but we cannot secure the building while 30 children are here. We need a locksmith now.\n\nKaren',
  ],
  [
    'critical',
    'sms',
    "lol ur not gonna believe it but the hot tub you fixed is tripping and my kid got a shock touching the side, she's ok-ish but crying, is it safe to be near??",
  ],
];
