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
  ['clinic', 'Social security number {{s:412 67 9902}}, member ID XKP-448120-01, group number 88120.'],
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
  ['dental', "I'm Not sure if my plan covers whitening, can you check? The policy number is 9912-88120-A."],
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
    'Please ship my meds to {{a:221B Baker Street, London NW1 6XE}} while I am abroad. Patient no. 004512.',
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
  ['clinic', "Sincerely,\n{{n:Margaret O'Brien}}\nPatient ID 100234"],
  ['pharmacy', 'Is the flu shot free for people born before 1960? My father was born in March 1952.'],
];
