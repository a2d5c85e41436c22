import { describe, expect, it } from 'vitest';
import { parseRawEmail } from './parse-email.js';
import { replyTextOf } from './reply-text.js';

describe('replyTextOf', () => {
  it.each([
    [
      'a Gmail reply',
      'Thanks, Saturday at 10 works for me.\n\nBest,\nMaria\n\nOn Thu, Dec 3, 2026 at 4:12 PM Acme Bakery <orders@acme.example> wrote:\n\n> Hi Maria,\n>\n> We have openings Saturday at 10am and 2pm.\n',
      'Thanks, Saturday at 10 works for me.\n\nBest,\nMaria',
    ],
    [
      'an Outlook reply (the underscore rule and From/Sent header block)',
      'Yes please, go ahead with the large cake.\r\n\r\n________________________________\r\nFrom: Acme Bakery <orders@acme.example>\r\nSent: Thursday, December 3, 2026 4:12 PM\r\nTo: John Smith <john@smith.example>\r\nSubject: Re: Cake order\r\n\r\nHi John, shall we go ahead?\r\n',
      'Yes please, go ahead with the large cake.',
    ],
    [
      'an old Outlook "Original Message" reply',
      'Sounds good.\n\n-----Original Message-----\nFrom: Acme <orders@acme.example>\nSent: Thursday\nTo: John\nSubject: Order\n\nold text\n',
      'Sounds good.',
    ],
    [
      'an iPhone reply with its footer',
      'Can I pick it up at 5?\n\nSent from my iPhone\n\n> On Dec 3, 2026, at 16:12, Acme Bakery <orders@acme.example> wrote:\n> \n> Your order is ready.\n',
      'Can I pick it up at 5?',
    ],
    [
      'a reply with an RFC 3676 signature',
      'Please cancel my 3pm booking.\n\n-- \nJohn Smith\nSmith & Co | +1 555 0100\n',
      'Please cancel my 3pm booking.',
    ],
    [
      'a French Gmail reply',
      'Merci !\n\nLe jeu. 3 déc. 2026 à 16:12, Acme <a@acme.example> a écrit :\n> Bonjour\n',
      'Merci !',
    ],
    ['a new message (nothing to strip)', 'Hi, do you deliver to 94105?\n', 'Hi, do you deliver to 94105?'],
    [
      'a German Outlook reply (Von / Gesendet)',
      'Ja, bitte liefern.\n\nVon: Acme Bäckerei <bestellung@acme.example>\nGesendet: Donnerstag, 3. Dezember 2026 16:12\nAn: Hans\nBetreff: Lieferung\n\nSollen wir liefern?\n',
      'Ja, bitte liefern.',
    ],
    ['an Outlook mobile footer', 'On my way.\n\nGet Outlook for iOS\n', 'On my way.'],
  ])('strips %s', (_name, text, reply) => {
    expect(replyTextOf(text)).toBe(reply);
  });

  it('strips the quote of an HTML-only Outlook reply, through mailparser’s text rendering', async () => {
    const raw = [
      'From: John Smith <john@smith.example>',
      'To: orders@acme.example',
      'Subject: RE: Cake order',
      'Message-ID: <DM6PR01MB1234@namprd01.prod.outlook.com>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset="utf-8"',
      '',
      '<html><body><div>Yes, the chocolate one.</div><div><br></div>',
      '<hr style="display:inline-block;width:98%">',
      '<div id="divRplyFwdMsg"><b>From:</b> Acme Bakery &lt;orders@acme.example&gt;<br><b>Sent:</b> Thursday, December 3, 2026 4:12 PM<br><b>To:</b> John Smith<br><b>Subject:</b> Cake order</div>',
      '<div>Which flavour would you like?</div></body></html>',
      '',
    ].join('\r\n');
    const email = await parseRawEmail(raw, { recipient: 'orders@acme.example' });
    expect(email.reply).toBe('Yes, the chocolate one.');
    expect(email.conversationKey).toBe('<DM6PR01MB1234@namprd01.prod.outlook.com>');
  });
});
