/**
 * What Claude models cost: a dated price table, the cost of a run's token usage, and an upper-bound
 * estimate of a run before it starts (the budget reserves that estimate).
 */
import { z } from 'zod';
import { StewardError } from '../errors/index.js';
import type { TokenUsage } from '../runtime/index.js';

/** USD per million tokens. */
export interface ModelPrices {
  input: number;
  output: number;
  /** A 5-minute prompt-cache write (1.25 × input). */
  cacheWrite: number;
  /** A prompt-cache hit or refresh. */
  cacheRead: number;
  /** Higher prices for calls whose prompt (input + cache reads + cache writes) exceeds `abovePromptTokens`. */
  longPrompt?: Omit<ModelPrices, 'longPrompt'> & { abovePromptTokens: number };
}

export const modelPricesSchema = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheWrite: z.number().min(0),
    cacheRead: z.number().min(0),
  })
  .strict();

/** `optimization.budget.pricing`: prices by model id, USD per million tokens; wins over the built-in table. */
export const pricingOverridesSchema = z.record(z.string().min(1), modelPricesSchema);
export type PricingOverrides = z.infer<typeof pricingOverridesSchema>;

/** The day the built-in prices were read. */
export const pricingTableDate = '2026-11-23';

/**
 * Where the built-in prices come from: the model catalog baked into the Claude Code CLI 2.1.331 (bundled
 * with @anthropic-ai/claude-agent-sdk 0.3.331, built 2026-11-23), which is the table the CLI itself prices
 * `total_cost_usd` with, cross-checked against Anthropic's pricing page.
 */
export const pricingTableSource =
  'Claude Code CLI 2.1.331 model catalog (the prices behind total_cost_usd); https://platform.claude.com/docs/en/about-claude/pricing';

/**
 * The model the bundled CLI runs when none is configured (measured: a run without `model` sent
 * `claude-opus-5-5` to the Messages API).
 */
export const defaultModel = 'claude-opus-5-5';

const tier = (input: number, output: number, cacheRead = input / 10): ModelPrices => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead,
});

/**
 * Built-in prices, USD per million tokens, as of {@link pricingTableDate}. Keys are the canonical model ids;
 * dated ids (`claude-sonnet-4-5-20250929`), `[1m]` suffixes and cloud-provider spellings resolve to them.
 * Not covered: 1-hour cache writes (2 × input), fast mode, the US-only inference surcharge (1.1 ×) and the
 * Batch API discount; override a model in `optimization.budget.pricing` when those apply to you.
 */
export const modelPrices: Readonly<Record<string, Readonly<ModelPrices>>> = {
  'claude-fable-5-2': tier(8, 40, 0.2),
  'claude-fable-5-1': tier(10, 50, 0.25),
  'claude-fable-5': tier(10, 50),
  'claude-mythos-5-2': tier(8, 40, 0.2),
  'claude-mythos-5-1': tier(10, 50, 0.25),
  'claude-mythos-5': tier(10, 50),
  'claude-opus-5-5': tier(4, 20, 0.2),
  'claude-opus-5': tier(5, 25),
  'claude-opus-4-8': tier(5, 25),
  'claude-opus-4-7': tier(5, 25),
  'claude-opus-4-6': tier(5, 25),
  'claude-opus-4-5': tier(5, 25),
  'claude-opus-4-1': tier(15, 75),
  'claude-opus-4-0': tier(15, 75),
  'claude-sonnet-5-5': tier(2, 10, 0.1),
  'claude-sonnet-5': tier(2, 10),
  'claude-sonnet-4-6': tier(3, 15),
  'claude-sonnet-4-5': tier(3, 15),
  'claude-sonnet-4-0': tier(3, 15),
  'claude-3-7-sonnet': tier(3, 15),
  'claude-3-5-sonnet': tier(3, 15),
  'claude-haiku-5-5': {
    ...tier(0.1, 0.5, 0.01),
    longPrompt: { abovePromptTokens: 100_000, ...tier(0.5, 2.5, 0.05) },
  },
  'claude-haiku-4-5': tier(1, 5),
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
};

/** Other spellings of the built-in ids: first-party dated ids and the family aliases the CLI accepts. */
const aliases: Readonly<Record<string, string>> = {
  'claude-sonnet-4-20250514': 'claude-sonnet-4-0',
  'claude-sonnet-4': 'claude-sonnet-4-0',
  'claude-opus-4-20250514': 'claude-opus-4-0',
  'claude-opus-4': 'claude-opus-4-0',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet',
  'claude-3-5-sonnet-latest': 'claude-3-5-sonnet',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku',
  // The CLI's first-party family aliases as of the table's date.
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
  fable: 'claude-fable-5-2',
};

/**
 * The prices of `model`, from `overrides` first, then the built-in table.
 * Throws StewardError 'invalid-config' listing the known models when neither has it.
 *
 * @example
 * pricesFor('claude-sonnet-4-5-20250929') // { model: 'claude-sonnet-4-5', input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }
 */
export function pricesFor(
  model: string,
  overrides: PricingOverrides = {},
): Readonly<ModelPrices> & { model: string } {
  const override = Object.hasOwn(overrides, model) ? overrides[model] : undefined;
  if (override) return { model, ...override };
  const canonical = canonicalModelId(model);
  if (canonical !== undefined) {
    const canonicalOverride = Object.hasOwn(overrides, canonical) ? overrides[canonical] : undefined;
    if (canonicalOverride) return { model: canonical, ...canonicalOverride };
    const builtIn = modelPrices[canonical];
    if (builtIn) return { model: canonical, ...builtIn };
  }
  const known = [...Object.keys(modelPrices), ...Object.keys(overrides)];
  throw new StewardError(
    'invalid-config',
    `no price for model "${model}": the pricing table (${pricingTableDate}) knows ${known.join(', ')}. ` +
      `Use one of those, or add its prices (USD per million tokens) to optimization.budget.pricing, e.g. ` +
      `pricing: { '${model}': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 } }`,
    { details: { model, knownModels: known } },
  );
}

/** The built-in id `model` names, if any: strips dates, `[1m]`, and cloud prefixes and suffixes. */
function canonicalModelId(model: string): string | undefined {
  let id = model
    .trim()
    .toLowerCase()
    .replace(/\[1m\]$/, '');
  // Bedrock (`us.anthropic.claude-…-v1:0`), Vertex (`claude-…@20250929`), Mantle (`anthropic.claude-…`).
  id = id.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '').replace(/-v\d+(?::\d+)?$/, '');
  id = id.replace(/@\d{8}$/, '');
  for (const candidate of [id, id.replace(/-\d{8}$/, '')]) {
    if (Object.hasOwn(modelPrices, candidate)) return candidate;
    if (Object.hasOwn(aliases, candidate)) return aliases[candidate];
  }
  return undefined;
}

/**
 * The USD cost of `usage` on `model`. Long-prompt prices apply when the usage's prompt tokens exceed the
 * model's threshold, which is exact for one model call; summed usage of a multi-call run is priced as if
 * each call were below it.
 *
 * @example
 * costOf({ inputTokens: 2546, outputTokens: 6, cacheReadInputTokens: 8975, cacheCreationInputTokens: 0 }, 'claude-opus-5-5')
 * // 0.012099, what the CLI reported as total_cost_usd for that call
 */
export function costOf(usage: TokenUsage, model: string, overrides: PricingOverrides = {}): number {
  const prices = pricesFor(model, overrides);
  const promptTokens = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
  const rates =
    prices.longPrompt && promptTokens > prices.longPrompt.abovePromptTokens ? prices.longPrompt : prices;
  const micro =
    usage.inputTokens * rates.input +
    usage.outputTokens * rates.output +
    usage.cacheCreationInputTokens * rates.cacheWrite +
    usage.cacheReadInputTokens * rates.cacheRead;
  return roundToNanoUsd(micro / 1_000_000);
}

/** Average characters per token of English prose; dense numbers, code and non-Latin scripts take fewer. */
export const charsPerToken = 4;

/**
 * An upper bound of the tokens `text` takes, for sizing reservations: one per 3 bytes of UTF-8, rounded
 * up. English prose runs about 4 characters (bytes) a token, so this overestimates it by a third; a CJK
 * character is 3 bytes and about one token, which characters ÷ 4 would undercount fourfold.
 *
 * @example tokensAtMost('When do you open?') // 6
 */
export function tokensAtMost(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** The dearest way `prices` bill an input token (a cache write, on every current model). */
export function dearestInputRate(prices: Omit<ModelPrices, 'longPrompt'>): number {
  return Math.max(prices.input, prices.cacheWrite, prices.cacheRead);
}

/**
 * Input tokens the CLI adds to every model call: its system prompt, tool schemas and reminders. Measured
 * with CLI 2.1.331 and its default tool set: 11,521 tokens in one call (2,546 input + 8,975 cache read),
 * costing $0.0121 on claude-opus-5-5; restricting the tools to Read, Write and Bash brought it to 2,185.
 */
export const cliOverheadTokensPerCall = 12_000;

export interface RunCostInput {
  /** Omitted: {@link defaultModel}. */
  model?: string;
  /** Characters of the user's message (and of earlier turns sent with it, when the conversation resumes). */
  promptChars: number;
  /** Characters of the agent's own system prompt. */
  systemPromptChars: number;
  /**
   * The first call's prompt in tokens, when known (the CLI's overhead, the system prompt, a resumed
   * conversation's history and the message); replaces the estimate from `promptChars` and `systemPromptChars`.
   */
  promptTokens?: number;
  /**
   * The most output tokens one model call may produce (thinking included). The CLI asks for the model's
   * maximum (128,000 on current models) unless `CLAUDE_CODE_MAX_OUTPUT_TOKENS` caps it: pass that cap.
   */
  maxOutputTokens: number;
  /** Model calls in the run (the run's `maxTurns`); default 1. */
  turns?: number;
  /** Characters of tool results added to the context per turn; tool output is otherwise unbounded; default 0. */
  toolResultCharsPerTurn?: number;
  pricing?: PricingOverrides;
}

export interface RunCostEstimate {
  model: string;
  /** Upper bound of the whole run, USD. */
  totalUsd: number;
  /** Upper bound of the run's most expensive (last) model call, USD. */
  oneCallUsd: number;
  /** Upper bound of the run's first model call, USD. */
  firstCallUsd: number;
  turns: number;
}

/**
 * An upper bound of what a run costs, before it starts. Assumptions, each chosen to overestimate:
 * - ~4 characters per token ({@link charsPerToken}), rounded up;
 * - every call carries the CLI's own ~12k tokens ({@link cliOverheadTokensPerCall}) plus the system prompt
 *   and the message, and every input token is priced as a cache write (1.25 × input), the dearest way an
 *   input token is billed (a cold cache); in practice most are cache reads at 0.1 × input;
 * - every call writes `maxOutputTokens`;
 * - each turn re-sends the whole context, which grows by the previous calls' output and tool results.
 *
 * @example
 * estimateRunCost({ model: 'claude-sonnet-4-5', promptChars: 400, systemPromptChars: 2000, maxOutputTokens: 4096 })
 */
export function estimateRunCost(input: RunCostInput): RunCostEstimate {
  const prices = pricesFor(input.model ?? defaultModel, input.pricing);
  const turns = input.turns ?? 1;
  for (const [name, value] of Object.entries({
    promptChars: input.promptChars,
    systemPromptChars: input.systemPromptChars,
    maxOutputTokens: input.maxOutputTokens,
    toolResultCharsPerTurn: input.toolResultCharsPerTurn ?? 0,
    promptTokens: input.promptTokens ?? 0,
  })) {
    if (!Number.isFinite(value) || value < 0) {
      throw new StewardError('invalid-request', `${name} must be a number >= 0, received ${value}`);
    }
  }
  if (!Number.isInteger(turns) || turns < 1) {
    throw new StewardError('invalid-request', `turns must be an integer >= 1, received ${turns}`);
  }
  const tokens = (chars: number) => Math.ceil(chars / charsPerToken);
  const basePrompt =
    input.promptTokens ??
    cliOverheadTokensPerCall + tokens(input.systemPromptChars) + tokens(input.promptChars);
  const growthPerTurn = input.maxOutputTokens + tokens(input.toolResultCharsPerTurn ?? 0);
  const callUsd = (promptTokens: number) => {
    const rates =
      prices.longPrompt && promptTokens > prices.longPrompt.abovePromptTokens ? prices.longPrompt : prices;
    return (promptTokens * dearestInputRate(rates) + input.maxOutputTokens * rates.output) / 1_000_000;
  };
  let totalUsd = 0;
  let oneCallUsd = 0;
  for (let turn = 0; turn < turns; turn++) {
    const call = callUsd(basePrompt + turn * growthPerTurn);
    totalUsd += call;
    oneCallUsd = Math.max(oneCallUsd, call);
  }
  return {
    model: prices.model,
    totalUsd: roundUpToMicroUsd(totalUsd),
    oneCallUsd: roundUpToMicroUsd(oneCallUsd),
    firstCallUsd: roundUpToMicroUsd(callUsd(basePrompt)),
    turns,
  };
}

function roundToNanoUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

function roundUpToMicroUsd(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3) / 1e6;
}
