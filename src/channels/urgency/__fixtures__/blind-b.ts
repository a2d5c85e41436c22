/**
 * Blind labelled set B: 240 customer messages (40 critical, 70 high, 70 normal, 60 low), written from
 * labelling-guide.md alone, without seeing the scorer, its tests or its fixtures.
 */
import type { LabelledMessage } from '../evaluate.js';

export const blindMessagesB: LabelledMessage[] = [
  // critical: danger to people or property right now, breach or fraud in progress, the customer's business stopped now
  [
    'critical',
    'sms',
    `the water heater you guys put in last month is spraying everywhere, basement has like 3 inches already and its rising near the furnace. pls send someone NOW`,
  ],
  [
    'critical',
    'sms',
    `smells like rotten eggs in the kitchen since the new stove hookup, kids are home, what do i do??`,
  ],
  [
    'critical',
    'email',
    `Hello,

I am writing from the front desk of Harbour View B&B. Our card terminal has been declined for every guest since 7 this morning and your support line just rings out. We have eight checkouts waiting in the lobby and cannot take a single payment. Please call me on the number below as soon as you read this.

Maria Ekström
Harbour View B&B`,
  ],
  [
    'critical',
    'slack',
    `@channel someone is logged into our shop admin from an IP in another country right now and changing payout bank details. i didnt do this. how do i kick them out`,
  ],
  [
    'critical',
    'sms',
    `my dog ate half the chocolate cake we bought from you this afternoon, hes shaking and panting. is there raisins or xylitol in it?? on the way to the vet now`,
  ],
  [
    'critical',
    'sms',
    `sorry to bother u on a sunday but theres smoke coming out of the ceiling vent where u did the AC unit on friday. breaker is off. fire dept called, pls come`,
  ],
  // why: not just a broken till (high) — the whole restaurant cannot trade mid-service, business stopped
  [
    'critical',
    'email',
    `Subject: POS system down - restaurant cannot take orders

Our whole system went black at the start of lunch service. No tickets going to the kitchen, no card payments, nothing. We have a full dining room. Please get a tech on the phone immediately.

Dev Patel, owner
Saffron Table`,
  ],
  [
    'critical',
    'sms',
    `client had a reaction to the hair dye u sold us, her face is swelling up and shes saying her throat feels tight. ambulance is coming. WHAT IS IN IT`,
  ],
  [
    'critical',
    'slack',
    `hey, kind of a weird one — our checkout page is showing someone else's payment form, customers are typing card numbers into a page that isnt ours. is this you or are we hacked?? site is live`,
  ],
  [
    'critical',
    'sms',
    `the tree ur crew was cutting is leaning on our power line and its sparking. nobody is answering at the office. my neighbours kids are in the yard`,
  ],
  [
    'critical',
    'sms',
    `hi its Jan from the bakery on Elm. walk-in freezer and both ovens dead since 5am, no power to that whole panel after your electrician came yesterday. cant bake anything and we open in 40 min`,
  ],
  [
    'critical',
    'email',
    `Good afternoon,

Apologies for the direct message but I could not get through by phone. One of the children in the toddler room has just been stung and is coming out in hives all over, and her EpiPen from home seems to be missing from her bag. We have called 911. Can you confirm whether a parent dropped off a second pen this morning?

Thank you,
Little Acorns Daycare`,
  ],
  [
    'critical',
    'sms',
    `pipe burst under the salon sinks, water going into the electrical outlets along the wall. shut off valve wont turn. HELP`,
  ],
  [
    'critical',
    'slack',
    `our accountant login just sent 3 wire transfers we did not authorise, the bank says theyre pending. i need someone to lock the account down right this second`,
  ],
  // why: complaint-shaped, but a pet in distress right now
  [
    'critical',
    'sms',
    `my cat was at your grooming place this morning and since we got home she cant stand up and is drooling. what did you put on her??`,
  ],
  [
    'critical',
    'email',
    `URGENT - gym

The roof panel above the weights area partly came down in the wind 10 minutes ago. No one hurt but there is glass on the floor and rain coming in on the treadmills and the wiring. Members are still inside. We need your roofing crew out here immediately to secure it.

Coach Dana`,
  ],
  // why: locked out is high, but a baby in a hot car is danger to a person now
  [
    'critical',
    'sms',
    `locksmith pls. im locked out of the car and my 8 month old is strapped in the back seat, its 34 degrees out`,
  ],
  [
    'critical',
    'sms',
    `im at the pharmacy counter pickup and I think I was given someone elses pills, I already took one an hour ago and now my heart is racing and im dizzy`,
  ],
  [
    'critical',
    'slack',
    `all our tills went offline at once and the card reader shows "merchant suspended". saturday morning, queue to the door, we literally cannot sell anything`,
  ],
  [
    'critical',
    'sms',
    `Hello. I am renting the van from your moving company. The brakes are not working good, pedal goes to floor. I am on highway now with all furniture. What I do`,
  ],
  [
    'critical',
    'email',
    `Hi,

I manage the flower shop on Bridge St. Our cold room compressor is making a loud bang and there is a burning plastic smell coming from it. I have unplugged what I can reach but the smell is getting stronger. Staff are outside. Please advise or send someone right away.

Regards,
Priya — Petal & Stem`,
  ],
  [
    'critical',
    'sms',
    `carbon monoxide alarm going off in the basement right where you serviced the boiler tuesday. we're all outside. do we need to call the fire department or can you come`,
  ],
  [
    'critical',
    'sms',
    `someones using our business card on your site rn, i'm getting the fraud alerts one after the other, 6 orders in 10 min. cancel them all!!`,
  ],
  [
    'critical',
    'slack',
    `dog walker here - Biscuit (the lab on Maple) slipped his harness and ran into traffic, he's been hit, bleeding from the leg. taking him to the emergency vet on 5th. owner's phone is off, can someone reach them`,
  ],
  [
    'critical',
    'sms',
    `ur pest guy sprayed this morning and now my toddler is vomiting and my eyes burn inside the house. is that stuff toxic??`,
  ],
  [
    'critical',
    'email',
    `Subject: website down, all orders failing

Since about 9:15 our online shop returns an error on every page. It's our launch day for the holiday collection and the email went out to 12,000 people an hour ago. Every minute this is down we are losing sales. Please escalate.

Tom
Northwind Candles`,
  ],
  [
    'critical',
    'sms',
    `theres water pouring through the light fixture in the hotel room under the one your plumber was in, guest is in there. lights still on`,
  ],
  [
    'critical',
    'sms',
    `FIRE in the fryer, extinguisher used, kitchen closed, hood system you installed didnt trigger. fire brigade here. need your service rep`,
  ],
  [
    'critical',
    'slack',
    `ransomware note on every computer in the office, all files renamed. payroll server too. we're an accounting firm in tax week. what do we unplug`,
  ],
  [
    'critical',
    'sms',
    `sorry to text so late, the horse at the stables (Pepper) is rolling and kicking at her belly, wont eat, vet on call isnt picking up. is it colic? can anyone come`,
  ],
  [
    'critical',
    'email',
    `Dear team,

Our dental practice network went down completely this morning. We cannot open patient records, the x-ray machine will not connect and the phones (VoIP) are dead too. There are patients in the chairs right now. Please send someone from IT support immediately.

Dr. L. Moreau`,
  ],
  [
    'critical',
    'sms',
    `ur roofer left a ladder up and my 6yr old climbed it and fell, hes conscious but his arm looks wrong. going to ER. just so u know theres another one still up`,
  ],
  [
    'critical',
    'sms',
    `no joke this time: the gas grill you serviced is leaking, I can hear it hissing and cant get the tank valve closed. we are at the restaurant patio with customers`,
  ],
  [
    'critical',
    'slack',
    `heads up our payment processor is flagging a card testing attack right now, hundreds of $1 orders per minute coming through the donation page. can you turn off checkout`,
  ],
  [
    'critical',
    'sms',
    `bike i bought saturday, the front fork just snapped going downhill, my friend is bleeding on the road and we're waiting for the ambulance. which model is this so i can tell them`,
  ],
  [
    'critical',
    'email',
    `hi

im the cleaner at the print shop on 3rd. came in at 6 and the big printer is on fire, not flames everywhere but smoke and a small fire inside it. i called 911 and got everyone out. nobody has the owners number. please call him

Rosa`,
  ],
  [
    'critical',
    'sms',
    `the ice machine you fixed is dumping water onto the floor of the bar and it's going under the electric panel, were mid service`,
  ],
  [
    'critical',
    'sms',
    `patient in our waiting room collapsed, staff doing CPR. our defibrillator you maintain says error when we open it!!!`,
  ],
  // why: nothing can ship at all, so the business is stopped now rather than one thing broken
  [
    'critical',
    'slack',
    `our whole warehouse scanner system stopped syncing, pickers cant print a single label and the courier truck leaves at 3. nothing is shipping`,
  ],
  // why: a failing fridge is usually high, but stock (property) is being lost right now
  [
    'critical',
    'sms',
    `I run the corner pharmacy. the fridge with all the insulin shows 19C and climbing, alarm going since an hour. cant keep it cold. need repair right now or I lose all of it`,
  ],

  // high: needs action today (broken or failed, wrong or missing order for today, event today/tomorrow at risk, locked out, angry complaint, refund or chargeback demand)
  [
    'high',
    'sms',
    `hey the birthday cake for 4pm pickup today says Happy Birthday Kevin, my son's name is Devin. can u fix before pickup`,
  ],
  [
    'high',
    'email',
    `Hi there,

We booked your venue for our wedding this Saturday and I've just been told by the caterer that nobody at your end confirmed their access time. That's tomorrow's setup. Can someone please call me today to sort this out? I'm starting to panic a bit.

Thanks,
Hannah & Jordi`,
  ],
  [
    'high',
    'sms',
    `locked out of the shop, key snapped in the lock. open at 10 normally, can your locksmith come this morning?`,
  ],
  // why: furious tone but nothing dangerous or stopped; an angry complaint with a refund demand is high
  [
    'high',
    'email',
    `Subject: Absolutely unacceptable

I paid $480 for a "deep clean" of my apartment before my landlord inspection and I came home to dirty floors, a fridge nobody touched and hair in the shower. I have photos. I want a full refund, not a re-clean. If I don't hear back by end of day I'm disputing it with my bank.

K. Obi`,
  ],
  // why: cold but no one described in danger; a failed furnace needing a visit today
  [
    'high',
    'sms',
    `no heat in the house since last night, furnace clicks but doesnt light. its 2 degrees outside. can u come today`,
  ],
  [
    'high',
    'slack',
    `the order we're supposed to hand out at our 2pm event came with 40 mugs instead of 400 lol not lol. anything you can courier today?`,
  ],
  [
    'high',
    'sms',
    `sorry to bother you but my car was supposed to be ready at noon and the garage is closed?? I need it to get to work at 5`,
  ],
  [
    'high',
    'sms',
    `photographer for our engagement shoot tmrw just cancelled on us via voicemail. is anyone else from your studio available??`,
  ],
  [
    'high',
    'email',
    `Hello,

The flowers for my mother's funeral were meant to arrive at the chapel by 10am today. It is now 10:40 and the funeral director says nothing has come. The service is at 1pm. Please tell me what is happening.

Regards,
Simon Hale`,
  ],
  // why: the shop still trades, so one system failed (high) rather than the business stopped
  [
    'high',
    'slack',
    `our email stopped sending this morning, everything bounces with "relay denied". shop still runs but we cant send invoices or reply to anyone`,
  ],
  // why: the dog is fine; a walk missed today is a service failure needing action today, not a pet in distress
  [
    'high',
    'sms',
    `walker never showed up at 12 for Luna, shes been home alone since 7am. I'm stuck at work till 6. can someone go today?`,
  ],
  [
    'high',
    'sms',
    `i want my money back for the braids. half of them are already coming out after 2 days. ive been a customer 3 years and this is how its done`,
  ],
  [
    'high',
    'email',
    `Hi,

This is to let you know that I've filed a chargeback with my credit card company for order #55120. The item never arrived and your "tracking" link has shown the same status for three weeks. I'd rather have resolved it with you directly but nobody answered my four emails.

B. Nakamura`,
  ],
  [
    'high',
    'sms',
    `toilet in the downstairs bathroom overflowing every flush, only toilet we have that works and we've got 12 people coming for dinner tonight`,
  ],
  [
    'high',
    'sms',
    `the dentist fixed my crown on monday and it just fell out while eating. it hurts a bit when i breathe in. any chance for today?`,
  ],
  [
    'high',
    'slack',
    `printer for the shop labels is jammed and showing E-42, tried turning it off and on. we can still do orders by hand but its slow. today would be ideal`,
  ],
  [
    'high',
    'sms',
    `delivered sofa has a massive tear down the back. movers left before i noticed. not happy at all, what are you going to do about it`,
  ],
  [
    'high',
    'email',
    `Dear Mr. Alvarez,

Your team replaced our roof last month and it leaked again in last night's rain, right above the baby's room. There is a brown stain spreading on the ceiling. I expect someone to come and look at it today, not next week. Frankly I'm disappointed given what we paid.

Lisa Brennan`,
  ],
  [
    'high',
    'sms',
    `hotel booking says i'm checked in for tonight but front desk has no record and theyre full. it's 9pm, where do i sleep`,
  ],
  [
    'high',
    'sms',
    `the tutoring session for Max's exam tomorrow morning got cancelled by the app? is Ms. Ruiz still coming tonight or not`,
  ],
  [
    'high',
    'sms',
    `wifi at the cafe been dropping every 5 min since this morning, people keep complaining, card machine still works on 4g. pls look today`,
  ],
  [
    'high',
    'slack',
    `hey - the CSV export of today's orders is coming out empty so the warehouse doesn't know what to pack. they can pick manually off the screen for now but it's a pain`,
  ],
  [
    'high',
    'email',
    `To whom it may concern,

I was double-charged for my gym membership this month ($89 x 2). I'd like the extra charge reversed today please, as it has put my account into overdraft.

Regards,
Olumide Adeyemi`,
  ],
  [
    'high',
    'sms',
    `the key fob copy you made yesterday doesnt start the car. I'm stuck at the supermarket carpark`,
  ],
  [
    'high',
    'sms',
    `hi, my glasses frame snapped and I have a job interview tomorrow at 9 and cant see a thing without them. can you do a quick repair today?`,
  ],
  // why: servers are still running; failure to fix today before it becomes an outage
  [
    'high',
    'sms',
    `bro the AC in our server closet died, room is getting warm, servers still up for now. need someone before end of day`,
  ],
  // why: "not urgent" is said, but the event is tomorrow and the order is wrong, so it needs action today
  [
    'high',
    'email',
    `Hi! Not urgent or anything but I just noticed the invitations you printed for our party tomorrow have the wrong address on them (34 instead of 43). Is there any way to reprint by this evening? Sorry!!

Amy`,
  ],
  [
    'high',
    'sms',
    `so the movers are 3 hours late and the building only lets us use the lift until 5pm today. where are they`,
  ],
  [
    'high',
    'sms',
    `the grooming place cut my poodle's ear, it bled a little at home, she's fine now but I'm furious and want to speak to the manager today`,
  ],
  [
    'high',
    'slack',
    `our calendar booking page for the salon is showing "no availability" for all of today and tomorrow but we're wide open. clients can't book online`,
  ],
  // why: no dose taken, no one hurt; wrong order that must be fixed before tonight
  [
    'high',
    'sms',
    `u delivered the wrong meds to my mum, the box says someone else's name. she hasnt taken any. she needs her own dose tonight`,
  ],
  [
    'high',
    'email',
    `Subject: Catering order for today's office lunch

Hello, we have 30 sandwiches and 2 salads booked for delivery at 12:30 today for a client meeting. I've just had an automated email saying the order was cancelled. I did not cancel it. Please confirm it's still coming.

Greta
Office manager, Linden & Co`,
  ],
  [
    'high',
    'sms',
    `freezer in our garage that you repaired 2wks ago stopped again. we moved stuff to the neighbour's but can you send someone today`,
  ],
  [
    'high',
    'sms',
    `thx for nothing. third time my son's music lesson was cancelled last minute. I want this month refunded`,
  ],
  [
    'high',
    'sms',
    `lockd out of my flat, keys inside, phone at 8%. can the locksmith come in the next hour or two`,
  ],
  [
    'high',
    'slack',
    `login to the pharmacy ordering portal keeps saying "account disabled". we need to put today's wholesale order in before 4pm cutoff`,
  ],
  [
    'high',
    'email',
    `Hello,

Our dog Bruno is booked for surgery at your clinic tomorrow morning and the confirmation email says no food after 8pm — but the receptionist told me on the phone midnight. Which is it? I need to know before tonight.

Thanks,
Chen family`,
  ],
  [
    'high',
    'sms',
    `the wedding cake stand you rented us is cracked down the middle. wedding is tomorrow at 2. do u have another one??`,
  ],
  [
    'high',
    'sms',
    `sink in the salon backwash wont drain at all, we have clients booked every half hour. can a plumber come today`,
  ],
  [
    'high',
    'email',
    `I am extremely unhappy. I ordered a bouquet for my wife's birthday, TODAY, and the delivery driver left it on the doorstep in the rain without ringing. It was wilted and the card was soaked. I'd like a replacement delivered today or my money back.

Mark`,
  ],
  [
    'high',
    'sms',
    `Good morning. The garage door you fix last week is stuck half open now and I cannot close it. I need to go to work and cannot leave the house open. Please someone come today`,
  ],
  [
    'high',
    'slack',
    `payment link you set up for our class registrations is erroring out ("invalid amount"). registration closes at midnight tonight`,
  ],
  [
    'high',
    'sms',
    `ordered 6 dozen cupcakes for the school fair tomorrow, just got a msg saying you're out of the vanilla?? what now`,
  ],
  [
    'high',
    'sms',
    `my flight leaves 6am tomorrow and the passport photos you took got rejected at the office because of the background. can you redo them today`,
  ],
  [
    'high',
    'email',
    `Hi,

The replacement window your crew installed this morning won't lock — the latch doesn't line up. We're going away tonight for a week and can't leave the house like this. Can someone come back this afternoon?

David`,
  ],
  [
    'high',
    'sms',
    `the stylist didnt show up for my bridal trial today, sat in the salon 45 min. the wedding is in 3 days and i'm so stressed`,
  ],
  [
    'high',
    'sms',
    `hi, the kitchen tap came off in my hand, water is off at the main now so its ok but we have no water at all. can someone come today?`,
  ],
  [
    'high',
    'slack',
    `the shop's website SSL cert expired this morning, browsers now show a big warning. some customers still buying, most arent. please renew today`,
  ],
  [
    'high',
    'sms',
    `Bike you serviced yesterday, the gears skip every time I push hard. I race on Sunday and need it right by tomorrow`,
  ],
  [
    'high',
    'email',
    `Subject: Refund request - Order 8821

I returned the shoes 3 weeks ago, your warehouse signed for them on the 2nd, and I still have not been refunded. This is the third time I'm writing. Please process the refund today.

Fatima`,
  ],
  [
    'high',
    'sms',
    `ur cleaners were meant to do the holiday rental turnover by 3pm, guests arriving at 4 and nobodys been. help`,
  ],
  ['high', 'sms', `cant get into the B&B, the door code you sent doesn't work and it's getting dark`],
  [
    'high',
    'sms',
    `you charged my card for a 2nd session of pest control I never had. take it off today please`,
  ],
  [
    'high',
    'slack',
    `dishwasher in the restaurant kitchen died at breakfast, we're washing by hand. dinner covers are 80 tonight so need it fixed this afternoon`,
  ],
  [
    'high',
    'sms',
    `hi its the hotel, our check-in kiosk is frozen on the welcome screen. staff are checking guests in by hand. can IT remote in today?`,
  ],
  [
    'high',
    'email',
    `Dear team,

My daughter's recital is tonight at 7 and the dress alterations we dropped off on Monday still aren't ready — I was told "this afternoon" twice now. Please let me know by 3pm whether it will be ready or I need another plan.

Joanna`,
  ],
  [
    'high',
    'sms',
    `ordered my mom's prescription refill 3 days ago and you STILL havent filled it. she ran out this morning`,
  ],
  [
    'high',
    'sms',
    `the van you rented us tomorrow for the move got cancelled by your system?? we have movers booked at 8am`,
  ],
  [
    'high',
    'sms',
    `hey, the lawn guys cut through our irrigation line, sprinkler zone 3 is gushing into the flowerbed. water's off at the valve now. someone need to fix today`,
  ],
  [
    'high',
    'slack',
    `@support our invoices are generating with last year's VAT rate since the update this morning. sent 12 wrong ones already, stopped sending now. need a fix today`,
  ],
  [
    'high',
    'sms',
    `whoever sold me this phone case, it cracked my screen. i want a refund and the screen paid for. im coming in today`,
  ],
  [
    'high',
    'sms',
    `got to the venue for our 5pm rehearsal dinner and the room isn't set up, no tables at all. it's 3:45`,
  ],
  // why: the clinic can still open (windows); broken equipment needing action today, not business stopped
  [
    'high',
    'email',
    `Hi,

Our AC stopped cooling overnight and the clinic opens at 8. It's going to be 36 degrees today and we have elderly patients in the waiting room all day. We can open windows for now. Could a technician come this morning?

Best,
Sunrise Physio`,
  ],
  [
    'high',
    'sms',
    `sorry but the tutor sent a link for today 4pm and it says meeting not found. my daughter is waiting`,
  ],
  [
    'high',
    'sms',
    `the food delivery is missing 2 of our 5 mains, people waiting at the table. sort it out please`,
  ],
  [
    'high',
    'slack',
    `two of the staff laptops won't log in after last night's update, "trust relationship failed". the rest are fine. can you fix today?`,
  ],
  [
    'high',
    'sms',
    `ur crew left our driveway blocked with the skip and I need to get the car out for a hospital appointment this afternoon`,
  ],
  [
    'high',
    'email',
    `Subject: I want this escalated

I've been waiting two weeks for someone to fix the leak in my bathroom that your plumber "fixed". Now the tiles are lifting. I'm done being polite. Someone comes today or I'm calling another firm and sending you the bill.

R. Castillo`,
  ],
  [
    'high',
    'sms',
    `dropped off the car for a tyre change this am, told 2 hours, now they say tomorrow. I need it tonight for night shift`,
  ],
  // why: nobody is reacting yet; a wrong order for an event today, so high not critical
  [
    'high',
    'sms',
    `ok so the florist delivered lilies to the bridal suite and the bride is allergic to lilies. she hasnt arrived yet thank god. wedding is in 3 hours, can you swap them`,
  ],

  // normal: an ordinary request with time to spare (bookings, quotes, changes days ahead, order status without distress, billing questions)
  [
    'normal',
    'sms',
    `hi can i book a cut and colour with Jess sometime next week? thurs or fri afternoon best`,
  ],
  [
    'normal',
    'email',
    `Hello,

We're planning to redo the landscaping in our back garden this spring — mostly a new lawn, a small patio and some low hedging. Could you give us a rough quote and let us know when you'd be able to come and measure up?

Kind regards,
Ana and Pete Lindqvist`,
  ],
  [
    'normal',
    'sms',
    `can you hold 2 seats for me and my sister at the cake decorating workshop on the 11th? will pay at the door`,
  ],
  [
    'normal',
    'slack',
    `hey, could we move our monthly IT check from the 14th to the 21st? the shop's doing stocktake that week`,
  ],
  [
    'normal',
    'sms',
    `Hi, I'd like to schedule a cleaning for my teeth, preferably early morning before work. anything in the next 2-3 weeks?`,
  ],
  [
    'normal',
    'email',
    `Subject: Invoice question

Hi, I noticed invoice #2231 lists two hours of labour but I think the technician was here for about an hour and a quarter. Could you double check when you get a moment? Happy to pay whatever's correct.

Thanks,
Ray`,
  ],
  [
    'normal',
    'sms',
    `whats the status of my order from last tuesday? no stress just wondering if its shipped`,
  ],
  ['normal', 'sms', `can we change the anniversary dinner booking from 4 to 6 people? it's on the 22nd`],
  [
    'normal',
    'email',
    `Dear Sir/Madam,

I would like to enquire about your wedding photography packages for a ceremony in September next year, approximately 80 guests, in the countryside. Could you please send a price list and availability?

Best wishes,
Chiara Bellini`,
  ],
  // why: "emergency" is negated; it is a booking with days to spare
  [
    'normal',
    'sms',
    `no emergency, just wondering if you have a slot for a boiler service sometime before the end of the month`,
  ],
  ['normal', 'slack', `can you quote us for 500 flyers A5 double sided, glossy? event is 3 weeks out`],
  [
    'normal',
    'sms',
    `Hello I want book my dog for walk Monday Wednesday Friday next week, he is small, very friendly. how much is cost?`,
  ],
  [
    'normal',
    'email',
    `Hi there,

Our daycare contract renews next month and I wanted to ask whether the fees are changing and whether we can drop from five days to four starting in February.

Thank you,
Miriam (mum of Theo, Sunflower room)`,
  ],
  [
    'normal',
    'sms',
    `do u have availability for an eye test on sat the 18th? i think my prescription changed`,
  ],
  [
    'normal',
    'sms',
    `hiya, just checking the cake order for my daughters party on the 30th is confirmed? chocolate w/ unicorn topper`,
  ],
  [
    'normal',
    'email',
    `Subject: Quote for HVAC replacement

Good morning,

Our office's rooftop unit is about 15 years old and still running fine, but we'd like to budget for a replacement next fiscal year. Could you send a ballpark figure and an idea of what a site survey would involve?

Regards,
Henrik Sørensen
Facilities, Bay Dental Group`,
  ],
  [
    'normal',
    'slack',
    `quick one - can we add a second admin login for our new bookkeeper on the accounting software? she starts on the 3rd`,
  ],
  ['normal', 'sms', `hi! could my son switch his piano lesson from tuesdays to wednesdays from next month?`],
  ['normal', 'sms', `how much to rekey all the locks in a 3 bed house? we move in in about 2 weeks`],
  [
    'normal',
    'email',
    `Hello,

I was charged $45 for a "late cancellation" in October, but I believe I cancelled more than 24 hours ahead (I have the email). Could you look into it and refund if that's the case? No rush, I just want to clear it up.

Best,
Yusuf`,
  ],
  [
    'normal',
    'sms',
    `need a quote for moving a 2 bed flat across town, sometime in the first week of march. we have a piano`,
  ],
  ['normal', 'sms', `Can I pay my bill by bank transfer instead of card? If so what are your details`],
  [
    'normal',
    'slack',
    `fyi we're hosting a team dinner on friday the 12th, ~20 people. can we reserve the back room and see a set menu?`,
  ],
  [
    'normal',
    'email',
    `Hi,

I'm interested in your tutoring for GCSE maths for my daughter. She's in year 10, so exams are next summer. What are your rates and do you do online sessions?

Many thanks,
Claire Dunmore`,
  ],
  ['normal', 'sms', `hey when's my next pest control visit? we're on the quarterly plan`],
  ['normal', 'sms', `yo is the bike fitting still on for the 9th? can i bring my own pedals`],
  [
    'normal',
    'email',
    `Subject: Room booking for my parents

Hello, I'd like to book a double room for my parents for three nights from 14 to 17 April. They're in their 70s so a ground-floor room would be ideal if you have one. Is breakfast included?

Regards,
Nadia Haddad`,
  ],
  [
    'normal',
    'sms',
    `do you do mobile car detailing? looking for something before we sell the car next month`,
  ],
  [
    'normal',
    'sms',
    `sorry to bug you, any update on the quote for the fence? no hurry, we're not starting till spring`,
  ],
  [
    'normal',
    'slack',
    `could you send over the invoice for last month's web hosting as a PDF? our accountant needs it for the quarter`,
  ],
  [
    'normal',
    'sms',
    `I'd like to order a wreath for a memorial service on the 28th, white flowers if possible. what sizes do you do`,
  ],
  [
    'normal',
    'email',
    `Dear team,

Our roof had a small leak last winter that you patched (thank you, it's held up). We'd now like a quote for replacing the gutters on the whole house before next winter. Could you arrange a visit in the next few weeks?

Best regards,
Gordon & Ilse Reid`,
  ],
  ['normal', 'sms', `hi, is it possible to put my gym membership on hold for march? I'll be travelling`],
  [
    'normal',
    'sms',
    `hello im new in town, do you take new patients for the dentist and do you accept my insurance (Delta)?`,
  ],
  // why: "killer" and "deadline" appear, but it is an order placed weeks ahead
  [
    'normal',
    'sms',
    `your brownies were killer at the last event, want to order 5 dozen for our office party on the 19th. whats the deadline to order?`,
  ],
  [
    'normal',
    'email',
    `Hi,

Could you tell me where my order #30417 is? It shipped on Monday according to the email and the tracking hasn't updated since Wednesday. Not worried yet, just curious.

Thanks,
Lena`,
  ],
  [
    'normal',
    'slack',
    `hey we'd like to add 2 more POS terminals for the new counter before we open the extension in april - what's the lead time?`,
  ],
  ['normal', 'sms', `can i reschedule my sons check up at the vet from the 5th to the 8th, same time?`],
  [
    'normal',
    'sms',
    `can i get a price for printing 3 of our wedding photos on canvas, about 60x40? no date in mind`,
  ],
  [
    'normal',
    'email',
    `Hello,

We'd like to book the garden room at your venue for a christening reception on Sunday 6 July, about 40 people, 1–5pm. Could you send availability and your catering options?

Kind regards,
The Okafor family`,
  ],
  ['normal', 'sms', `id like to book a full colour for next sat, how long should i block out for it?`],
  [
    'normal',
    'sms',
    `hey, would you be able to do the carpet cleaning on the 3rd instead of the 2nd? something came up`,
  ],
  [
    'normal',
    'slack',
    `hi, what's the process to transfer our domain to you? current registration expires in november`,
  ],
  [
    'normal',
    'email',
    `Subject: Billing address change

Hello, we've moved our office. Please update the billing address on our account to 17 Carrow Road, Unit 4, from the next invoice onwards. Let me know if you need anything from us.

Thanks,
Aiden
Carrow Bikes`,
  ],
  [
    'normal',
    'sms',
    `quote for servicing 3 AC units in a small shop? ideally in the next month before summer`,
  ],
  ['normal', 'sms', `hi i booked a family photo session for the 20th, can we bring the dog too?`],
  [
    'normal',
    'sms',
    `I need new glasses, can I book an appointment to pick frames? any evening next week works`,
  ],
  [
    'normal',
    'email',
    `Hi,

Just wondering whether you offer payment plans for the orthodontic treatment we discussed at my consultation. I'd like to get started in the new year if the cost can be spread out.

Thank you,
Rebecca`,
  ],
  [
    'normal',
    'slack',
    `we want to set up a loyalty stamp thing on the online store. is that something you can build and roughly how much?`,
  ],
  [
    'normal',
    'sms',
    `want to sign up for the next beginner spin block, the schedule on the site looks old tho. which dates?`,
  ],
  [
    'normal',
    'sms',
    `Hello, I'd like to change my order for the 15th from a 2 tier cake to a 3 tier. Is that still possible?`,
  ],
  [
    'normal',
    'email',
    `Dear Accounts,

I'm self-employed and would like to switch my bookkeeping to you from the next tax year. Could you let me know what documents you'll need and your monthly fee for a sole trader with about 200 transactions a month?

Regards,
Tomasz Wiśniewski`,
  ],
  [
    'normal',
    'sms',
    `our dryer vent probably needs cleaning, its been a few years. do you do that and how much`,
  ],
  ['normal', 'sms', `can the dog walker also feed the cat when we're away 10-17 august? same house`],
  // why: sarcasm, but the actual request is just an order status with no deadline
  [
    'normal',
    'slack',
    `love how the tracking says "out for delivery" for 3 days straight 🙃 any idea when the box of candle wax actually lands? not needed till next month`,
  ],
  [
    'normal',
    'sms',
    `hi, do you service vintage bikes? have a 1982 peugeot i want to get road ready for spring`,
  ],
  [
    'normal',
    'email',
    `Good evening,

My son (8) would like to start violin lessons in January. Could you put him down for a beginner slot after school, and let us know whether the school rents out instruments or we should buy one?

Best wishes,
Aisha`,
  ],
  ['normal', 'sms', `I think the bill for my prescription was more than last time, did the price change?`],
  ['normal', 'sms', `can u send me the menu for a private party? were thinking mid november, 25ish ppl`],
  [
    'normal',
    'slack',
    `please add me to the shared calendar for the salon rota, my email is in the staff sheet`,
  ],
  [
    'normal',
    'email',
    `Hi there,

We're getting married next October and are looking at florists. Could we book a consultation sometime in the next month or two to talk about colours and budget?

Thanks so much,
Leah & Sam`,
  ],
  ['normal', 'sms', `hey, can i add a second kid to the thursday after-school club starting next term?`],
  ['normal', 'sms', `do you do termite inspections for house purchases? closing is in 5 weeks`],
  [
    'normal',
    'sms',
    `Buenos dias, I want ask price for clean office 2 times for week. is 120 m2 small office`,
  ],
  [
    'normal',
    'email',
    `Subject: Annual service reminder?

Hello, I can't remember when our boiler was last serviced by you — was it last November? If so, can we book the next one for around the same time this year?

Cheers,
Phil`,
  ],
  [
    'normal',
    'slack',
    `can we get read-only access to the sales dashboard for our part-timer? not needed till she starts on the 1st`,
  ],
  ['normal', 'sms', `hi, how much notice do you need for a house move? were thinking end of next month`],
  [
    'normal',
    'sms',
    `is it possible to get a copy of last years receipts for the dog grooming? for my records`,
  ],
  [
    'normal',
    'email',
    `Hello,

I picked up my reading glasses last week and they're fine, but I'd like a second pair in a sunglasses tint with the same prescription. Can I order that without another eye test?

Best,
Margaret`,
  ],
  [
    'normal',
    'sms',
    `could we push our kitchen remodel start by a week to the 21st? the cabinets are delayed on our end`,
  ],

  // low: nothing to do soon (thanks, praise, feedback, general information, "no rush", "whenever")
  ['low', 'sms', `this cake was KILLER, everyone at the party lost their minds 😂 thank you!!`],
  // why: "urgent" is casual; asking whether gift cards exist is general information
  ['low', 'sms', `urgent question lol: do u do gift cards?`],
  [
    'low',
    'email',
    `Hi Marco,

Just a quick note to say thank you for fitting us in last week. The new boiler is whisper quiet and the house is toasty. Your lad Kyle was very polite and tidied up after himself, which my wife noticed!

All the best,
Graham`,
  ],
  ['low', 'sms', `thank u so much for the haircut yesterday, my husband says I look 10 yrs younger lol`],
  [
    'low',
    'slack',
    `fyi the new website looks great, had three customers mention it this week. nice work team`,
  ],
  ['low', 'sms', `what time do you close on sundays?`],
  [
    'low',
    'email',
    `Dear Dr. Patel and team,

I wanted to let you know how much I appreciated the care you took with my father during his extraction. He is usually terrified of dentists and he came out smiling. Please pass on our thanks to the nurse as well.

Warm regards,
Sunita`,
  ],
  [
    'low',
    'sms',
    `no rush at all but at some point could u send me the name of that shampoo you used on Milo? he smelled amazing`,
  ],
  [
    'low',
    'sms',
    `do you guys sell the same coffee beans you use in store? not buying right now just curious`,
  ],
  // why: a mild complaint offered as feedback, with nothing asked for
  [
    'low',
    'email',
    `Subject: Small bit of feedback

Hi, we had a lovely stay overall. Only small thing: the shower took a while to heat up in the mornings. Not asking for anything, just thought you'd want to know for future guests. We'll be back!

Ines`,
  ],
  ['low', 'sms', `loved the flowers, my mum cried (good tears) 💐`],
  ['low', 'sms', `do u do house calls for pets or only in clinic? just asking for the future`],
  [
    'low',
    'slack',
    `whenever you get a sec - no deadline - could you jot down how the backup works so i understand it better`,
  ],
  [
    'low',
    'email',
    `Hello,

I'm a former student of yours from about ten years ago (guitar, Tuesdays!). I just played my first paid gig last weekend and wanted to say thanks — I still warm up with the scales you taught me.

Cheers,
Daniel Costa`,
  ],
  ['low', 'sms', `is ur parking lot free or paid?`],
  // why: "emergency" appears, but only as a question about what they offer in general
  [
    'low',
    'sms',
    `random q, do you do emergency callouts at night? not for now, just want to know for the future`,
  ],
  ['low', 'sms', `great job on the lawn, neighbours are jealous haha`],
  [
    'low',
    'email',
    `Hi team,

Following up on my visit — all good, the tooth feels normal again. No need to reply, just closing the loop.

Thanks,
Oren`,
  ],
  ['low', 'slack', `thanks for the quick turnaround on the logo files last week, the print shop loved them`],
  ['low', 'sms', `hey whats the difference between the basic and premium cleaning? not booking yet`],
  ['low', 'sms', `Thank you for the good service. Your worker was very kind with my grandmother. God bless`],
  ['low', 'sms', `do you guys have a loyalty card or something like that`],
  // why: sarcastic "disaster", but it is praise
  ['low', 'sms', `absolute disaster, my kids now refuse every other bakery's croissants. thanks a lot 🙄😂`],
  [
    'low',
    'email',
    `Subject: Review posted

Hi, just to let you know I left you a 5-star review on Google for the move last month. The guys were brilliant with the piano. Happy to be a reference any time.

Best,
Heather`,
  ],
  ['low', 'sms', `are the gym showers open on bank holidays? just curious`],
  ['low', 'sms', `what kind of flowers are in season in may? no order yet, just dreaming about the garden`],
  [
    'low',
    'slack',
    `idea for whenever: it'd be nice if the order confirmation email showed the delivery window. not a big deal`,
  ],
  ['low', 'sms', `ty for squeezing Bella in for her nails trim, she was an angel (for once)`],
  [
    'low',
    'email',
    `Hello,

I'm a local journalist writing a piece about family-run businesses on the high street and wondered if you'd be up for a short chat sometime in the next couple of months. Totally understand if you're too busy.

Best,
Kate Morrow
The Riverside Gazette`,
  ],
  ['low', 'sms', `how old do kids have to be for your swim lessons?`],
  ['low', 'sms', `the brakes feel amazing now, like a new bike. cheers mate`],
  ['low', 'sms', `do u still do the tuesday student discount`],
  [
    'low',
    'email',
    `Dear Hotel Bellavista,

We got home safely yesterday. Thank you for the birthday cake surprise at dinner — my wife had no idea. Everything about the weekend was perfect.

Kind regards,
Mr. and Mrs. Fontaine`,
  ],
  [
    'low',
    'slack',
    `no action needed, just sharing: our sales are up 12% since we moved to the new checkout. thanks for the help setting it up`,
  ],
  ['low', 'sms', `is the new lash lift thing you posted about on insta any good? might try it someday`],
  [
    'low',
    'sms',
    `sorry to bother you again lol, just wanted to say the photos came out stunning. framing like 6 of them`,
  ],
  ['low', 'sms', `which brand of dog food do you recommend for older labs? whenever you've got a minute`],
  [
    'low',
    'email',
    `Hi,

Our class really enjoyed the pizza-making field trip to your restaurant. The kids haven't stopped talking about it. Attached are some thank-you drawings they made.

Ms. Varga, Year 2`,
  ],
  ['low', 'sms', `what hours is the pharmacy open over christmas? planning ahead`],
  ['low', 'sms', `heads up, your website still lists the old phone number on the contact page. not urgent`],
  [
    'low',
    'slack',
    `feedback from the staff: the new rota app is much easier than the spreadsheet. well done`,
  ],
  [
    'low',
    'sms',
    `the exterminator was super nice and explained everything, haven't seen a single ant since. thanks!!`,
  ],
  [
    'low',
    'email',
    `Subject: suggestion box

Hello, a small suggestion from a regular: could you maybe stock oat milk alongside the soy? Absolutely no pressure, I'll keep coming either way.

Cheers,
Bea`,
  ],
  [
    'low',
    'sms',
    `do you do any volunteer days at the dog shelter you partner with? would love to help sometime`,
  ],
  ['low', 'sms', `just wanna say the new locks work perfectly and the key is so smooth lol`],
  ['low', 'sms', `is there a waitlist for saturday lessons next year or do I just ask in september?`],
  [
    'low',
    'slack',
    `whenever's convenient, can you tell me which plan we're on? curious if there's a cheaper one, not switching now`,
  ],
  [
    'low',
    'email',
    `Good morning,

I thought you might like to know that the roses you planted for us three years ago are in full bloom this summer. I attach a photo. Thank you again for your advice about the soil.

Fondly,
Elsie Marsh`,
  ],
  ['low', 'sms', `hahaha the dog walker sent me a pic of rocky rolling in a puddle. made my day 😂`],
  ['low', 'sms', `do you sell the hair oil separately or only use it in appointments?`],
  ['low', 'sms', `Thanks for the tax help this year, first time I didn't dread April`],
  [
    'low',
    'email',
    `Hi,

I used your removal service a while ago and just wanted to ask, out of curiosity, whether you also store furniture long-term. We may downsize in a few years.

Best,
Ruth`,
  ],
  ['low', 'sms', `your optician Sara is a star, finally glasses that dont slide down my nose`],
  ['low', 'slack', `btw, the shop's google rating just hit 4.8. thanks for setting up the review links`],
  ['low', 'sms', `where did you get the lovely tiles in your waiting room? asking for my own bathroom lol`],
  ['low', 'sms', `is the bakery closed on mondays or just this monday`],
  [
    'low',
    'email',
    `Hello,

Just confirming there's nothing outstanding on our side from the kitchen fit — everything is working fine and we've settled the final invoice. Thanks for a smooth job.

Regards,
Kwame & Efua`,
  ],
  ['low', 'sms', `best cake i ever had, not even exaggerating. just had to tell someone`],
  ['low', 'sms', `do you have a newsletter or something i can sign up to for the classes`],
  [
    'low',
    'slack',
    `no rush but at some point can we chat about maybe adding a blog to the site later this year?`,
  ],
];
