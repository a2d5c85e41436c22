// biome-ignore-all format: word tables are laid out by hand, one pair or list per line
/** The English word lists the request signature is read with: money, numbers, dates, negation, antonyms. */

/** `'a b c'` → Set { 'a', 'b', 'c' }: keeps long word lists readable. */
function words(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

/** `'a:x b:y'` → { a: 'x', b: 'y' }. */
function pairs(list: string): Record<string, string> {
  return Object.fromEntries(list.split(/\s+/).filter(Boolean).map((pair) => pair.split(':') as [string, string]));
}

export const CURRENCY_SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR' };

export const CURRENCY_WORDS: Record<string, string> = pairs(`
  usd:USD dollar:USD dollars:USD buck:USD bucks:USD eur:EUR euro:EUR euros:EUR
  gbp:GBP pound:GBP pounds:GBP quid:GBP sterling:GBP jpy:JPY yen:JPY inr:INR rupee:INR rupees:INR
  cad:CAD aud:AUD chf:CHF cny:CNY yuan:CNY sek:SEK nok:NOK dkk:DKK
  cent:CENT cents:CENT pence:PENCE penny:PENCE
`);

/** Suffixes written onto the number ("50p", "20usd"); a bare "p" elsewhere is not money. */
export const CURRENCY_UNITS: Record<string, string> = { ...CURRENCY_WORDS, p: 'PENCE' };

export const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  Object.entries(
    pairs(`
      zero:0 one:1 two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 eleven:11 twelve:12
      thirteen:13 fourteen:14 fifteen:15 sixteen:16 seventeen:17 eighteen:18 nineteen:19 twenty:20
      thirty:30 forty:40 fifty:50 sixty:60 seventy:70 eighty:80 ninety:90
      dozen:12 couple:2 twice:2
    `),
  ).map(([word, value]) => [word, Number(value)]),
);

export const SCALE_WORDS: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000, billion: 1e9 };

/** "one" is a pronoun after these ("a new one", "which one"), not a count. */
export const PRONOUN_ONE_BEFORE = words(
  'a new the this that which each every any no some another other only right wrong old same',
);

export const WEEKDAYS: Record<string, string> = pairs(`
  monday:mon tuesday:tue wednesday:wed thursday:thu friday:fri saturday:sat sunday:sun
  mondays:mon tuesdays:tue wednesdays:wed thursdays:thu fridays:fri saturdays:sat sundays:sun
  mon:mon tue:tue tues:tue thu:thu thur:thu thurs:thu fri:fri
`);

export const MONTHS: Record<string, string> = pairs(`
  january:jan february:feb april:apr june:jun july:jul august:aug september:sep october:oct
  november:nov december:dec jan:jan feb:feb apr:apr jun:jun jul:jul aug:aug sep:sep sept:sep
  oct:oct nov:nov dec:dec
`);

/** Months that are also common words: they count only capitalised mid-sentence or beside a day number. */
export const AMBIGUOUS_MONTHS: Record<string, string> = { may: 'may', march: 'mar', mar: 'mar' };

export const DAY_WORDS = words(`
  today tomorrow yesterday tonight weekend weekends weekday weekdays morning afternoon evening overnight
  noon midday midnight christmas easter thanksgiving holiday holidays
`);

export const RELATIVE = words('next last this previous coming following');
export const PERIODS = words('week month year weekend quarter');

/** Negation cues, apostrophes removed ("don't" → dont). */
export const NEGATIONS = words(`
  not no never none nobody nothing nowhere neither nor without cannot
  dont doesnt didnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt havent hasnt hadnt aint
  mustnt neednt shant
`);

/** Words skipped when looking for what a negation negates ("don't *really* want", "hasn't *yet* arrived"). */
export const NEGATION_SCOPE_SKIP = words(`
  i you we they he she it me us them my your our their its a an the this that to be been being am is are was were
  do does did have has had get got yet even ever really actually still just quite very so too able any anything
  anymore longer again always
`);

/** Capitalised words that are not names. */
export const NOT_NAMES = words(`
  i im ive ill id ok okay hi hello hey thanks please dear mr mrs ms dr yes no it its why what how when where who which
  the a an and but or so my your can do does did is are was will would should could
`);

/** Antonym pairs of common support verbs: name, the forms of one side, the forms of the other. */
export const ANTONYMS: Array<[string, Set<string>, Set<string>]> = [
  ['open', words('open opens opened opening'), words('close closes closed closing shut shuts shutting')],
  ['activate', words('activate activates activated activating activation'), words('deactivate deactivates deactivated deactivating deactivation')],
  ['increase', words('increase increases increased increasing raise raised raising'), words('decrease decreases decreased decreasing reduce reduces reduced reducing lower lowered lowering')],
  ['add', words('add adds added adding'), words('remove removes removed removing delete deletes deleted deleting')],
  ['enable', words('enable enables enabled enabling'), words('disable disables disabled disabling')],
  ['lock', words('lock locks locked locking'), words('unlock unlocks unlocked unlocking')],
  ['block', words('block blocks blocked blocking'), words('unblock unblocks unblocked unblocking')],
  ['freeze', words('freeze freezes froze frozen freezing'), words('unfreeze unfreezes unfroze unfrozen unfreezing')],
  ['subscribe', words('subscribe subscribes subscribed subscribing'), words('unsubscribe unsubscribes unsubscribed unsubscribing')],
  ['cancel', words('cancel cancels cancelled canceled cancelling canceling cancellation'), words('keep keeps kept keeping renew renews renewed renewing')],
  ['upgrade', words('upgrade upgrades upgraded upgrading'), words('downgrade downgrades downgraded downgrading')],
  ['start', words('start starts started starting begin begins began'), words('stop stops stopped stopping end ends ended ending')],
  ['pause', words('pause pauses paused pausing'), words('resume resumes resumed resuming unpause unpaused')],
  ['buy', words('buy buys bought buying purchase purchased'), words('sell sells sold selling')],
  ['deposit', words('deposit deposits deposited depositing'), words('withdraw withdraws withdrew withdrawn withdrawing withdrawal')],
  ['send', words('send sends sent sending'), words('receive receives received receiving')],
  ['accept', words('accept accepts accepted accepting approve approves approved approving'), words('reject rejects rejected rejecting decline declines declined declining deny denies denied')],
  ['credit', words('credit'), words('debit')],
  ['upload', words('upload uploads uploaded uploading'), words('download downloads downloaded downloading')],
  ['include', words('include includes included including'), words('exclude excludes excluded excluding')],
  ['more', words('more higher maximum max above over'), words('less lower minimum min below under fewer')],
  ['before', words('before earlier early'), words('after later late')],
  ['import', words('import imports imported importing'), words('export exports exported exporting')],
  ['show', words('show shows showed shown unhide'), words('hide hides hid hidden')],
];

/** Verb + particle pairs ("turn it off"): name, the verb's forms, the particle of side 1, of side 2. */
export const PARTICLE_VERBS: Array<[string, Set<string>, string, string]> = [
  ['switch', words('turn turns turned turning switch switches switched switching'), 'on', 'off'],
  ['login', words('log logs logged logging sign signs signed signing'), 'in', 'out'],
  ['opt', words('opt opts opted opting'), 'in', 'out'],
  ['check', words('check checks checked checking'), 'in', 'out'],
];

/** One-word forms of the particle verbs. */
export const ONE_WORD_PARTICLES: Record<string, string> = {
  login: 'login:1', signin: 'login:1', logon: 'login:1', logout: 'login:2', signout: 'login:2', logoff: 'login:2',
  checkin: 'check:1', checkout: 'check:2',
};

/** Words that carry no content of their own: left out when requests are compared by what they say. */
export const FUNCTION_WORDS: ReadonlySet<string> = words(`
  a an the i me my we our you your he she it its they them their is are was were be been am do does did doing have
   has had can could will would shall should may might must to of in on at by for with from about as into and or but
   if then so than that this these those what which who whom whose when where why how there here please hi hello
   thanks just also any some`);
