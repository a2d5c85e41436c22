/**
 * The urgency of a customer message (low, normal, high, critical) scored from its words and its context, so
 * high and critical can jump the queue and reach a person. Two halves: hand-written rules (hazards, everyday
 * problems, thanks and "no rush"), each a named reason, and a small linear model (`model.ts`) over the message's
 * words and the rules that fired, trained on hand-labelled messages, which picks the level. Critical always takes
 * a hazard rule; the model's strongest words are a reason too.
 */

import { classify, featuresOf, type UrgencyModel } from './model.js';
import { type UrgencyLevel, urgencyLevels } from './urgency-levels.js';
import { urgencyModel } from './weights.js';

export { type UrgencyLevel, urgencyLevels };

export interface UrgencyContext {
  /** Other messages from the same sender in the last 24 hours (a customer writing again and again). */
  recentMessagesFromSender?: number;
  /** Of those, the ones in the last hour: a third message within an hour is at least high. */
  messagesInLastHour?: number;
  /** The level of the previous message in this conversation: after a critical one, a follow-up is at least high. */
  previousLevel?: UrgencyLevel;
}

export interface UrgencyScore {
  level: UrgencyLevel;
  score: number;
  /** The rules that fired, e.g. `danger: gas`, for the audit record and the operator. */
  reasons: string[];
}

export interface UrgencyThresholds {
  /** A score at or above this is critical. */
  critical: number;
  /** A score at or above this (below critical) is high. */
  high: number;
  /** A score at or below this is low. */
  low: number;
}

/** The levels' score bands: the model picks the level, the rules' score places it in its band, and context adds to it. */
export const DEFAULT_URGENCY_THRESHOLDS: UrgencyThresholds = { critical: 7, high: 3, low: -2 };

interface Rule {
  name: string;
  pattern: RegExp;
  weight: number;
}

/**
 * Danger to people or property, fraud and a business stopped: each alone is enough for critical. Written as classes
 * of hazard (what burns, leaks, sparks, hurts, poisons, breaks in or stops trade) with their word forms, so a
 * customer's own wording ("the panel is sparking", "water coming thru the ceiling") is caught, not a list of phrases.
 */
const criticalRules: Rule[] = [
  {
    name: 'danger: fire or smoke',
    pattern:
      /\b((?<!\b(?:is|was|so|pure|straight) )fire(?! (?:extinguishers?|drills?|alarm test|pit|place|works|safety|inspection|certificates?|exit|door|up))|on fire|flames?|smok(?:e|ing|ey|y)(?! (?:alarms?|detectors?) (?:batter|chirp|beep))|burning(?! question)|burnt smell|scorch(?:ed|ing)|melt(?:ed|ing) (?:plug|socket|wire|cable|outlet)s?|spark(?:s|ing|ed)?)\b/,
    weight: 7,
  },
  {
    name: 'danger: gas or fumes',
    pattern:
      /\b(gas\b[^.!?\n]{0,30}\b(?:smell|leak|hiss)\w*|(?:smell|stink|reek)\w*\b[^.!?\n]{0,15}\bgas\b|carbon monoxide|co (?:alarm|detector)|fumes|chlorine|ammonia|chemical (?:smell|fumes)|eyes (?:are |were )?(?:burning|stinging))/,
    weight: 7,
  },
  {
    name: 'damage: water in progress',
    pattern:
      /\b(flood(?:ing|ed|s)?|burst|pouring|gushing|spraying|overflowing|sewage|water everywhere|collapsed?|caved in|hole in (?:it|the roof))\b|\b(?:water|leak\w*)\b[^.!?\n]{0,50}\b(?:ceiling|everywhere|spreading|still coming|won'?t stop|(?:coming|pouring|running|dripping) (?:in|through|thru|down|into|out)|socket|light fitting|electrics?)\b/,
    weight: 7,
  },
  {
    name: 'danger: electrical',
    pattern:
      /\b((?:exposed|live|bare) wires?|power lines?\b[^.!?\n]{0,25}\bdown|(?:got|get|getting|gave|gives|giving) (?:me |him |her |them |us |you )?(?:a |an )?(?:electric )?shocks?|electrocut\w*)\b/,
    weight: 7,
  },
  {
    name: 'health: emergency',
    pattern:
      /\b(bleed(?:ing|s)?|blood everywhere|unconscious|passed out|faint(?:ed|ing)|collaps(?:e|ed|ing)|(?:not|isn'?t|is not|aren'?t|stopped|won'?t|wont) (?:breathing|responding|responsive|waking up|moving|getting up|get up)|(?:trouble|difficulty|struggling|hard|can'?t|cannot|cant|unable to) (?:to )?breath\w*|wheez\w*|chok(?:e|es|ing|ed)|seizures?|seizing|convuls\w*|fitting|stroke|heart attack|asthma attack|chest pains?|anaphyla\w*|epi-?pens?|allergic reaction|(?:lips|face|throat|tongue|eyes?) (?:is |are )?(?:swelling|swollen|swelled)|swelling up|hives|poison(?:ed)?|rat (?:bait|poison)|toxic|overdos\w*|ambulance|paramedics?|911|999|112|(?:to|rushed to|taking \w+ to|going to|heading to|on (?:the|our|my) way to) (?:the )?(?:hospital|er|a&e|emergency room)|(?:which|nearest|closest) (?:hospital|er|a&e)|in the (?:er|a&e|emergency room)|concuss\w*|hit (?:his|her|their|my|your|its) head|head (?:injury|wound)|broken (?:arm|leg|bone|wrist|ankle|hip)|hit by a (?:car|truck|van)|colic(?:king)?|bloat(?:ed)?|swallowed a battery|severe reaction|trapped)\b/,
    weight: 7,
  },
  {
    name: 'health: allergy or poisoning in progress',
    pattern:
      /\ballergic\b[^.!?\n]{0,60}\b(?:stung|sting|ate|eaten|bitten|swell\w*|breath\w*|reaction)|\b(?:stung|ate|eaten|bitten)\b[^.!?\n]{0,60}\ballergic\b|\b(?:ate|eaten|eat|swallowed|got into|chewed)\b[^.!?\n]{0,40}\b(?:chocolate|grapes?|raisins?|xylitol|antifreeze|bait|pills?|medication|ibuprofen|lil(?:y|ies)|bleach)\b/,
    weight: 7,
  },
  {
    name: 'health: a person or animal in distress',
    pattern:
      /\b(fell|fallen|fall)\b[^.!?\n]{0,40}\b(?:not|isn'?t|can'?t|cannot|unable to|won'?t)\b[^.!?\n]{0,15}\b(?:get(?:ting)? up|move|moving|stand)|\b(?:heart|pulse) (?:is )?racing|\b(?:shaking|trembling)\b[^.!?\n]{0,30}\b(?:drool\w*|panting|breath\w*)|\bdrool\w*\b[^.!?\n]{0,30}\b(?:shaking|trembling)|\bwill not stop bleeding|\bwon'?t stop bleeding|\bdown in the stall/,
    weight: 7,
  },
  {
    name: 'danger: vehicle, building or people at risk',
    pattern:
      /\b(brakes?\b[^.!?\n]{0,30}\b(?:not working|failed|failing|gone|went out|don'?t work|stopped working)|steering\b[^.!?\n]{0,20}\b(?:locked|failed|gone)|stuck (?:in|between) (?:the |a )?(?:lift|elevator|floors)|locked in|(?:child|kid|toddler|son|daughter|baby|student|pupil)s?\b[^.!?\n]{0,30}\b(?:is missing|went missing|got out|ran off|wandered off|is lost)|intruder|break-?in|broke in|breaking in|weapon|gun|threaten\w* to (?:hurt|kill)|(?:tree|branch|ceiling|roof|wall)\b[^.!?\n]{0,30}\b(?:fell|fallen|came down|collapsed|caved))\b/,
    weight: 7,
  },
  {
    name: 'security: breach or fraud',
    pattern:
      /\b(hack(?:ed|er|ers|ing)?|breach(?:ed)?|phish\w*|fraud\w*|ransom(?:ware)?|malware|robbed|taken over|compromised|encrypted|never placed|were deleted|got wiped|wiped|unauthori[sz]ed|identity theft|stolen (?:card|data|identity|password)s?|new payees?|(?:not|none of (?:them|these|those) (?:are |were )?) (?:mine|ours)|didn'?t (?:make|authori[sz]e) (?:these|those|this|them)|someone (?:has |is |just |else )*(?:logged|logging|got|gotten|getting|broke) in(?:to)?|someone\b[^.!?\n]{0,20}\busing (?:my|our) (?:card|account|login|password)|logged in from|charged by someone|(?:chang\w*) (?:the |our |my )?(?:payout|bank|banking|payment|deposit)(?: account)? details|sending spam|spam\w*\b[^.!?\n]{0,40}\b(?:customers|contacts|everyone|address book|going out))\b/,
    weight: 7,
  },
  {
    name: 'emergency',
    pattern: /(?<!\b(?:no|not an?|isn'?t an?|not really an?) )\b(emergency|life or death)\b/,
    weight: 4,
  },
  {
    name: 'business at stake',
    pattern:
      /\b(losing (?:sales|money|customers|orders|business)|we open in|line out the door|threatening to walk out|did not get paid|thaw\w*|spoil(?:ing|ed)|(?:temperature|temp)\b[^.!?\n]{0,25}\b(?:rising|climbing|going up)|dead in the water|(?:can'?t|cannot|can not|unable to) (?:open|get into) (?:the |our |my )?(?:shop|store|salon|restaurant|office|doors|business|cafe|clinic|studio|gym)|still spending)\b/,
    weight: 5,
  },
];

/** A stopped service is critical when it stops everyone (scope) or stops trade (impact) rather than one thing. */
const outagePattern =
  /\b(down|stopped|failing|failed|offline|crash(?:ed|ing)|lost (?:internet|power)|cannot (?:work|pay|open)|can'?t (?:work|pay)|can (?:pay|work|open)|no customer data|is empty|are empty|thawing|died|dead|rising|blank|vanish\w*|disappear\w*|not working|locked)\b/;
const scopePattern =
  /\b(whole|all|every(?:one|body)?|nobody|no one|entire|completely|everything|each|every minute|all our|the (?:whole|entire))\b/;
const impactPattern =
  /\b((?:can'?t|cannot|can not|cant|unable to|not able to|no one can|nobody can)\b[^.!?\n]{0,25}\b(?:take|ring|pay|buy|order|open|check ?out|work|process|get in|serve|sell|cash)|(?:customers|clients|guests|staff|patients)\b[^.!?\n]{0,30}\b(?:waiting|can'?t|cannot|leaving|walking out|standing outside)|rush|line out|queue)\b/;

const highRules: Rule[] = [
  {
    name: 'broken or failing',
    pattern:
      /\b(broken|broke|not working|stopped working|stopped|won'?t (start|close)|will not (start|close|leave)|dead|leak(ing|s)?|not cooling|no hot water|no heat|heat is out|heating stopped|blocked|backing up|jammed|stuck|locked (out|my keys)|keys inside|declin(ing|ed)|error|warning light|tripping|grinding|snapped|read-only|cannot (log|send|print|save|leave)|can'?t (log|send|print|save)|blew out|limping|swallowed|not (eat|peed)|weak|diarrh?ea|vomit(ing)?|sick|pain|food poisoning|damag(e|ed)|scratched|rejected)\b/,
    weight: 3,
  },
  {
    name: 'complaint',
    pattern:
      /\b(never showed|unacceptable|disappointed|furious|angry|worst|rude|not happy|very unhappy|lawyer|dispute|chargeback|report you|bbb|nobody (calls|has replied|is answering)|third time|four times|last attempt)\b/,
    weight: 3,
  },
  {
    name: 'money: refund or double charge',
    pattern:
      /\b(refund|money back|double charged|charged (twice|me again|again)|billed twice|overcharged|stop charging|charged me for)\b/,
    weight: 3,
  },
  {
    name: 'missed or wrong',
    pattern:
      /\b(no-?show|still (has |have )?no\b|still (don'?t|do not|haven'?t|have not|hasn'?t|has not|not)\b|(still )?(has |have )?not (arrived|shipped|ready|come)|not (at the|here)|missing|wrong (colou?r|name|size)?|late|where is (it|my)|is it coming|not ready|supposed to be)\b/,
    weight: 2,
  },
  {
    name: 'deadline',
    pattern: /\b(deadline|miss the|out of (my )?[\w ]{0,30}(medication|medicine|pills))\b/,
    weight: 2,
  },
  {
    name: 'event soon',
    pattern:
      /\b(party|wedding|event|flight|funeral|surgery|operation|interview|exam|ceremony|guests|train|ferry)\b[^.!?\n]{0,20}\b(today|tonight|tomorrow|at \d|in (an|one|two|three|\d+) (hours?|minutes?|mins?))\b/,
    weight: 2,
  },
  {
    name: 'due today',
    pattern:
      /\b(today|tonight|this (morning|afternoon|evening)|right (now|away)|asap|immediately|urgent(ly)?|in (an|one|two|three|\d+) hours?|by (noon|tomorrow|friday)|tomorrow|now)\b/,
    weight: 2,
  },
];

const lowRules: Rule[] = [
  {
    name: 'thanks or praise',
    pattern:
      /\b(thanks?|thank you|thx|appreciate(d)?|great (job|work|class)|awesome|lovely|loved?|love it|very happy|kudos|cheers|delicious|fantastic|beautiful|impressed|nice job|big hit|happy with|pleased|enjoyed|doing great|back to her usual|super fast|amazing|brilliant|wonderful|excellent|outstanding|5 stars?|five stars?|well done|(?:would|highly|definitely) recommend)\b/,
    weight: -3,
  },
  {
    name: 'no rush',
    pattern:
      /\b(no rush|no hurry|not urgent|nothing urgent|whenever|at some point|some time next|low priority|no action needed|no reply needed|nothing (needed|to do)|just (curious|wondering|asking|planting|collecting)|curious|out of curiosity|fyi|heads up|for future( reference| visits)?|for your information|just a heads up|just checking)\b/,
    weight: -4,
  },
  {
    name: 'greeting or sign-off',
    pattern:
      /\b(have a (great|lovely|nice) (weekend|evening|day)|happy holidays|merry christmas|see you( then| next| thursday)?|sounds good|got it|noted|no worries|all (good|sorted|fixed)|ignore my last|received)\b/,
    weight: -3,
  },
  {
    name: 'social or curiosity',
    pattern:
      /\b(newsletter|loyalty program|instagram|website\?|gift cards?|sponsor|workshops?|do you have a website)\b/,
    weight: -2,
  },
];

/**
 * Scores a message. Context raises the level of a customer who keeps writing (a third message within an hour is
 * at least high), or of a conversation already urgent (a follow-up to a critical message is at least high); it
 * never lowers a level, never raises thanks or "no rush", and never makes critical on its own.
 *
 * @example
 * scoreUrgency('I smell gas in the kitchen').level // 'critical'
 * scoreUrgency('Thanks, the cake was delicious!').level // 'low'
 */
export function scoreUrgency(
  text: string,
  context: UrgencyContext = {},
  thresholds: UrgencyThresholds = DEFAULT_URGENCY_THRESHOLDS,
  model: UrgencyModel = urgencyModel,
): UrgencyScore {
  const normalized = text.toLowerCase().replace(/[’‘]/g, "'");
  const rules = ruleScore(text, normalized, thresholds);
  const classified = classify(model, featuresOf(normalized, rules.reasons));
  let best = 0;
  for (const [index, probability] of classified.probabilities.entries()) {
    if (probability > classified.probabilities[best]!) best = index;
  }
  // Critical takes what a hazard rule saw (danger, fraud, an outage), however the words lean; a hazard rule makes
  // it critical unless the words are plainly ordinary (the model at least `ORDINARY` sure of low or normal), and
  // even then it stays high: a hazard word never leaves a message at the back of the queue.
  let level: UrgencyLevel = urgencyLevels[best]!;
  const [low = 0, normal = 0] = classified.probabilities;
  if (rules.hazard) level = low + normal >= ORDINARY ? 'high' : 'critical';
  else if (level === 'critical') level = 'high';
  if (level === 'low' && !rules.low && low < LOW_WITHOUT_RULE) level = 'normal';
  const reasons = [...rules.reasons];
  if (level !== 'normal') {
    const words = classified.strongest(level);
    if (words.length > 0) reasons.push(`words: ${words.join(', ')}`);
  }
  let score = scoreOf(level, rules.score, thresholds);
  // Thanks and "no rush" stay low whatever came before: context raises only what asks for something.
  if (score > thresholds.low) score = withContext(score, context, thresholds, reasons);
  return { level: levelOf(score, thresholds), score, reasons };
}

/**
 * The model's prior leans low (most short messages in the labelled sets are thanks): without a low rule (thanks,
 * "no rush", a greeting …) it must be at least this sure, or a bare "Any update?" would skip its context.
 */
const LOW_WITHOUT_RULE = 0.5;

/** How sure the model must be that a message a hazard rule fired on is low or normal, to make it high. */
const ORDINARY = 0.75;

/** What the model reads of a message (its words, word pairs and the rules that fired): for training it. */
export function urgencyFeatures(text: string): string[] {
  const normalized = text.toLowerCase().replace(/[’‘]/g, "'");
  return featuresOf(normalized, ruleScore(text, normalized, DEFAULT_URGENCY_THRESHOLDS).reasons);
}

interface RuleFindings {
  score: number;
  reasons: string[];
  /** A danger, fraud or outage rule fired (or the rules reached critical together). */
  hazard: boolean;
  /** A thanks, "no rush", greeting or acknowledgement rule fired. */
  low: boolean;
}

/**
 * The hand-written rules alone: their score (each weight added, everyday problems capped below critical), the
 * rules that fired (features of the model, and reasons), and whether a hazard rule fired.
 */
function ruleScore(text: string, normalized: string, thresholds: UrgencyThresholds): RuleFindings {
  const reasons: string[] = [];
  let score = 0;
  const apply = (rules: Rule[]) => {
    for (const rule of rules) {
      if (rule.pattern.test(normalized)) {
        score += rule.weight;
        reasons.push(rule.name);
      }
    }
  };
  apply(criticalRules);
  let hazard = reasons.some((reason) => reason !== 'emergency' && reason !== 'business at stake');
  const beforeHigh = score;
  apply(highRules);
  const shouting = (text.match(/\b[A-Z]{3,}\b/g) ?? []).filter(
    (word) => word !== 'POS' && word !== 'VPN',
  ).length;
  if (/[!?]{2,}/.test(text) || shouting >= 1) {
    score += 1;
    reasons.push('emphasis');
  }
  // Everyday problems add up to high at most: critical takes a danger, fraud or outage rule.
  score = beforeHigh + Math.min(score - beforeHigh, thresholds.critical - 1);
  if (outagePattern.test(normalized) && (scopePattern.test(normalized) || impactPattern.test(normalized))) {
    score += 7;
    reasons.push('outage: everyone stopped');
    hazard = true;
  }
  if (score >= thresholds.critical) hazard = true;
  const beforeLow = reasons.length;
  apply(lowRules);
  const words = normalized.split(/\s+/).filter((word) => /\w/.test(word)).length;
  if (score === 0 && words <= 4 && !normalized.includes('?')) {
    score -= 2;
    reasons.push('short acknowledgement');
  }
  return { score, reasons, hazard, low: reasons.length > beforeLow };
}

/** A score inside the band of `level`, as near the rules' own score as the band allows (context adds to it). */
function scoreOf(level: UrgencyLevel, ruleScore: number, thresholds: UrgencyThresholds): number {
  const clamp = (low: number, high: number) => Math.min(high, Math.max(low, ruleScore));
  switch (level) {
    case 'critical':
      return Math.max(thresholds.critical, ruleScore);
    case 'high':
      return clamp(thresholds.high, thresholds.critical - 1);
    case 'normal':
      return clamp(thresholds.low + 1, thresholds.high - 1);
    case 'low':
      return thresholds.low;
  }
}

/** The context rules; each that fires is a reason naming what it saw, for the audit record and the operator. */
function withContext(
  contentScore: number,
  context: UrgencyContext,
  thresholds: UrgencyThresholds,
  reasons: string[],
): number {
  let score = contentScore;
  const recent = context.recentMessagesFromSender ?? 0;
  const lastHour = context.messagesInLastHour ?? 0;
  if (recent >= 2) {
    score += 2;
    reasons.push(`context: ${recent} earlier messages from this sender in 24 h`);
  }
  if (lastHour >= 2) {
    score = Math.max(score, thresholds.high);
    reasons.push(`context: ${lastHour} earlier messages from this sender within an hour`);
  }
  if (context.previousLevel === 'high' || context.previousLevel === 'critical') {
    score += 1;
    // A follow-up to a critical message ("any news? the water is still coming in") is never left behind.
    if (context.previousLevel === 'critical') score = Math.max(score, thresholds.high);
    reasons.push(`context: follows a ${context.previousLevel} message in this conversation`);
  }
  // Context raises to high at most: critical takes what the message itself says (danger, fraud, an outage).
  return contentScore >= thresholds.critical ? score : Math.min(score, thresholds.critical - 1);
}

/**
 * Whether the sender's context can change the level a message's words alone give: only a normal message can
 * rise (to high); thanks stay low, and context adds nothing past high.
 */
export function contextCanRaise(level: UrgencyLevel): boolean {
  return level === 'normal';
}

function levelOf(score: number, thresholds: UrgencyThresholds): UrgencyLevel {
  if (score >= thresholds.critical) return 'critical';
  if (score >= thresholds.high) return 'high';
  if (score <= thresholds.low) return 'low';
  return 'normal';
}
