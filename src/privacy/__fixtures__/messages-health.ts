/** Labelled messages to clinics, dentists, vets and pharmacies. See labelled.ts for the markup. */
import type { RawMessage } from './labelled.js';

export const healthMessages: RawMessage[] = [
  [
    'clinic',
    'Hello, I need to register as a new patient. Name: {{n:Samuel Ortiz}}, DOB: {{d:04/03/1985}}, phone {{p:(312) 555-0182}}.',
  ],
  [
    'clinic',
    'For the insurance form they are asking for my SSN, it is {{s:536-22-8841}}. Is it safe to send it here?',
  ],
  [
    'clinic',
    'My date of birth is {{d:1979-11-23}} and my appointment on 2024-05-14 needs to be moved to the afternoon.',
  ],
  [
    'clinic',
    "Hi, I'm {{n:Rachel Green}} and I missed a call from {{p:617-555-0123}} about my lab results. Reference 20240318-7781.",
  ],
  [
    'clinic',
    'My mother {{n:Ines Moreau}} (born {{d:12 July 1941}}) needs a home visit. She lives at {{a:15 Birch Street, Burlington, VT 05401}}.',
  ],
  [
    'clinic',
    'Social security number {{s:412 67 9902}}, member ID {{hp:XKP-448120-01}}, group number {{hp:88120}}.',
  ],
  [
    'clinic',
    'The portal asked for my social security number and I typed {{s:219884410}}, was that right? Never got a confirmation email.',
  ],
  [
    'clinic',
    'Please update my address to {{a:3500 N Lincoln Blvd, Suite 210, Oklahoma City, OK 73105}} for the billing statements.',
  ],
  ['clinic', 'My results letter says case number 512-44-9031. Who should I call about it?'],
  ['clinic', 'Example from your form: SSN 123-45-6789. Do I write it with the dashes?'],
  [
    'dental',
    'Dear Dr. {{n:Patel}},\nI have a cracked molar and a lot of pain. Can I be seen today? Kind regards,\n{{n:Thomas Whitaker}}',
  ],
  [
    'dental',
    'Appointment reminder: your cleaning is on 06/11/2024 at 3:45pm with Dr. {{n:Alvarez}}. Reply C to confirm.',
  ],
  [
    'dental',
    'I was charged twice, the second charge on card {{c:4012 8888 8888 1881}} should be refunded. Claim number 4471-2290-33.',
  ],
  ['dental', 'Birthday: {{d:02.09.1971}}. New patient form attached, email is {{e:b.kowalski@gmx.de}}.'],
  [
    'dental',
    "I'm Not sure if my plan covers whitening, can you check? The policy number is {{hp:9912-88120-A}}.",
  ],
  [
    'vet',
    'Hi, this is {{n:Olivia}} from Elm Street, our dog Biscuit was vaccinated on 03/02/2024 and we need the certificate for boarding.',
  ],
  [
    'vet',
    'Microchip number 985112004567321 for our cat Mochi, the registry has our old phone. New one: {{p:206-555-0100}}.',
  ],
  ['vet', 'Our puppy was born on 01/05/2024, when should she get her second round of shots?'],
  [
    'vet',
    'Invoice INV-88213 for the surgery, I paid {{c:3530 1113 3330 0000}} over the phone. Please email the receipt to {{e:kenji.tanaka@outlook.jp}}.',
  ],
  ['vet', 'Thanks so much,\n{{n:Beatriz Santos}}'],
  [
    'pharmacy',
    'Prescription Rx 7781-2290 for {{n:Walter Dietrich}}, date of birth {{d:23 March 1950}}, is it ready for pickup?',
  ],
  [
    'pharmacy',
    'The refill for lot 2024-03-A77 is short 10 tablets. My pharmacy profile phone is {{p:919-555-0139}}.',
  ],
  [
    'pharmacy',
    'Please ship my meds to {{a:221B Baker Street, London NW1 6XE}} while I am abroad. Patient no. {{mr:004512}}.',
  ],
  ['clinic', "Tax form needs my SSN: {{s:078-44-1290}}. Also my husband's: {{s:521-09-7734}}."],
  ['clinic', 'Hello Dr. {{n:Nguyen}}, my blood pressure readings this week were 128/82, 131/85 and 126/80.'],
  ['clinic', 'DOB {{d:7/14/62}}, last visit 11/30/2023. I need a referral letter for the cardiologist.'],
  [
    'dental',
    'Can I pay the balance of $245.00 by IBAN? I have a Spanish account: {{i:ES91 2100 0418 4502 0005 1332}}.',
  ],
  [
    'clinic',
    'Hi {{n:Fatima}}, I uploaded my insurance card photos to the portal from {{ip:203.0.113.45}} but it timed out twice.',
  ],
  [
    'vet',
    "We're moving to {{a:610 Cedar Ct, Boulder, CO 80302}} next month, please transfer Luna's records.",
  ],
  ['clinic', "Sincerely,\n{{n:Margaret O'Brien}}\nPatient ID {{mr:100234}}"],
  ['pharmacy', 'Is the flu shot free for people born before 1960? My father was born in March 1952.'],
  // Medical record numbers and health-plan ids, and ids near health words that are neither.
  [
    'clinic',
    'Hi, this is about my lab work. MRN: {{mr:00482913}}, DOB {{d:04/03/1985}}. The portal shows an error.',
  ],
  ['clinic', 'Please send my medical records to Dr. {{n:Kim}}. Medical record #{{mr:MR-5512093}}.'],
  ['clinic', 'Patient ID: {{mr:PT-884120}} / Visit 2024-03-11 / Room 4B'],
  ['dental', 'Chart number {{mr:20419}}, I need my x-rays sent to the orthodontist.'],
  [
    'clinic',
    "My son's patient number is {{mr:3318820}}, he had his physical on 06/02/2024 and we still need the school form.",
  ],
  ['pharmacy', 'MR# {{mr:7720-1184}}: can you send the discharge medication list?'],
  ['clinic', 'Hospital number {{mr:K0482291}}, I lost the appointment letter for the scan.'],
  [
    'clinic',
    'New insurance! Aetna member ID {{hp:W218847301}}, group number {{hp:0098812}}. Please update it before my visit.',
  ],
  [
    'dental',
    'Subscriber ID {{hp:XJH902118834}} is my wife {{n:Laura}}, I am a dependent on her dental plan.',
  ],
  ['clinic', 'My Medicaid number is {{hp:KM44120987}}, does the clinic accept it?'],
  ['clinic', 'Health insurance ID {{hp:BCX-4471-0092}}, the copay is $30 I think.'],
  [
    'pharmacy',
    'The pharmacy says my plan ID {{hp:RX-6612-0048}} is not on file. My insurance is Cigna through work.',
  ],
  ['clinic', 'I just turned 65 and got my card. Medicare ID: {{hp:7QK2-JD4-PW19}}.'],
  ['dental', 'Claim 4471-2290-33 was denied. My member ID is {{hp:DEN8812045}}, the group is Acme Corp.'],
  [
    'pharmacy',
    'My prescription order #RX100482 shipped, tracking 9400111899223344556677, but it is not here yet.',
  ],
  ['clinic', 'Invoice 2024-0412 for my physical therapy says I owe $120, but my insurance should cover it.'],
  ['clinic', 'Case number 2024-88120 from the billing office, reference REF-55120. Who do I talk to?'],
  ['vet', 'Our pet insurance policy number is PI-2231-9987, can you send them the invoice for Mochi?'],
];
