/** Word lists for the person-name recognizer: capitalised words that are not names, titles, business words. */

/**
 * Capitalised words that follow our cues but are not names ("I'm Sorry", "Hi All", "This is Urgent").
 * Names that are also common words (Will, Bill, May, June, Mark, Grant) are deliberately absent:
 * the cue and what follows the word decide those.
 */
export const NOT_NAMES: ReadonlySet<string> = new Set(
  `a an the this that these those it its we our ours us you your yours they them their he him his she her
  i me my mine all everyone everybody anyone someone team folks guys friends friend sir madam maam ma'am
  there here again thanks thank hello hi hey dear please yes no not ok okay good great fine sure well also
  and or but if when what why how who where which can could would should shall must might do does did
  done just so very really still back now then today tomorrow yesterday tonight soon later always never
  writing calling reaching trying looking wondering following contacting emailing messaging texting
  checking hoping asking waiting having getting going coming leaving sending booking ordering interested
  happy glad excited sorry unable able new old available ready here's there's it's that's what's
  afraid aware certain confused disappointed frustrated upset worried concerned pleased delighted
  urgent important quick sorted done finished confirming cancelling canceling following-up in on at by
  for from with about into over after before as to of off out up down
  monday tuesday wednesday thursday friday saturday sunday january february march july september october
  november december christmas easter thanksgiving
  customer client patient guest member user owner manager admin staff support service sales billing
  management everyone's morning afternoon evening night day week weekend month year
  regarding re fwd fw subject order invoice ticket warranty
  i'm i’m im i've i'll i'd we're we've we'll you're they're let's don't can't won't didn't isn't`
    .split(/\s+/)
    .filter(Boolean),
);

/** Titles are kept in the span ("Dr. Patel") but a title alone is not a name ("Dear Sir"). */
export const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'rev']);

/** Any of these in a signature means it is a business, not a person ("Thanks, Sweet Crumbs Bakery"). */
export const BUSINESS_WORDS: ReadonlySet<string> = new Set(
  `bakery bakeries bakehouse cafe café coffee plumbing plumber plumbers heating cooling hvac clinic dental
  dentistry medical health pharmacy shop store boutique salon spa studio florist flowers floral hardware auto
  repair repairs garage motors services inc llc ltd co company corp group care kitchen restaurant bistro
  grill pizza pizzeria deli market books bookstore pets vet veterinary animal hospital grooming landscaping
  electric electrical cleaning tailoring alterations bikes cycles fitness gym yoga academy school office desk
  department hq bank insurance realty properties law legal accounting agency solutions labs tech
  technologies shipping delivery logistics warehouse`
    .split(/\s+/)
    .filter(Boolean),
);
