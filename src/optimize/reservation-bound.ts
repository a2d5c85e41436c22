/**
 * How much a model run reserves from the daily budget: a realistic upper bound of what it will cost, not
 * the worst case of every turn writing `maxOutputTokens` (30–700 times a real run). The input the run
 * sends is known (the CLI's overhead, the system prompt, a resumed conversation's measured history, the
 * message) and is priced at its dearest rate; what comes after it (output, further calls, tool results)
 * is bounded by the most the agent's recent runs needed, or before there are enough of them by every
 * call's `maxOutputTokens`. A run that costs more than its reservation is still settled at its real cost.
 */
import type { BudgetScope, BudgetService } from './budget/index.js';
import {
  cliOverheadTokensPerCall,
  dearestInputRate,
  defaultModel,
  estimateRunCost,
  type PricingOverrides,
  pricesFor,
  tokensAtMost,
} from './pricing.js';

/** The parts of an agent's config that shape a run's cost. */
export interface RunShape {
  model?: string | undefined;
  systemPrompt?: string | undefined;
  tools: readonly string[];
  limits: { maxTurns: number; maxOutputTokens: number };
  /** `optimization.budget.perRequest`: the SDK stops a run once it spent this (after the crossing call). */
  perRequestUsd?: number | undefined;
  pricing?: PricingOverrides | undefined;
}

/** What a run is about to send. */
export interface RunToSize {
  prompt: string;
  conversationId?: string | undefined;
  /** Set when the run resumes the conversation's SDK session (it resends the history). */
  resumeSessionId?: string | undefined;
}

/** A run's reservation and how it was reached (for messages, warnings and the benchmark). */
export interface ReservationSize {
  /** What to reserve, USD. */
  amountUsd: number;
  /** The first call's input, priced at its dearest rate, USD. */
  inputUsd: number;
  /** Tokens of the first call's prompt (overhead, system prompt, history, message). */
  promptTokens: number;
  /** The bound of what comes after the input, USD. */
  beyondInputUsd: number;
  /** `learned`: from the agent's recent runs; `default`: too few of them; `unknown-history`: the cap. */
  basis: 'learned' | 'default' | 'unknown-history';
  /** The most any run may reserve: `perRequest` plus one call, or the run's worst case. */
  capUsd: number;
}

/** Recent runs considered, and how many are needed before they replace the default. */
export const learnedRunWindow = 200;
export const learnedRunMinimum = 20;
/** Model calls a run of an agent with tools is assumed to make until enough runs are measured. */
export const defaultCallsWithTools = 4;
const learnedMaxAgeMs = 30_000;

/**
 * @example
 * const bound = new ReservationBound(shape, budget, { tenantId, agentId }, Date.now);
 * const size = await bound.size({ prompt: 'When do you open?' });
 * await budget.reserve(scope, { interactionId, amountUsd: size.amountUsd, inputUsd: size.inputUsd });
 */
export class ReservationBound {
  private learned: { at: number; beyondInputUsd: number | undefined } | undefined;
  private loading: Promise<number | undefined> | undefined;

  constructor(
    private readonly shape: RunShape,
    private readonly budget: BudgetService,
    private readonly scope: BudgetScope,
    private readonly now: () => number,
  ) {
    // Fails at open, not at the first message, when the model has no price.
    pricesFor(shape.model ?? defaultModel, shape.pricing);
  }

  /** The reservation for a run, from what the store knows about the agent and the conversation. */
  async size(run: RunToSize): Promise<ReservationSize> {
    const fresh =
      cliOverheadTokensPerCall + tokensAtMost(this.shape.systemPrompt ?? '') + tokensAtMost(run.prompt);
    let promptTokens = fresh;
    let historyKnown = true;
    if (run.resumeSessionId !== undefined) {
      // The next turn's first call resends everything the last turn sent and wrote. A turn of several
      // calls summed their prompts, which overstates the history: safe.
      const last = run.conversationId
        ? await this.budget.lastTurn(this.scope, run.conversationId).catch(() => undefined)
        : undefined;
      if (last)
        promptTokens = Math.max(fresh, last.promptTokens + last.outputTokens + tokensAtMost(run.prompt));
      else historyKnown = false;
    }
    const worst = this.estimate(promptTokens, this.shape.limits.maxTurns, this.shape.limits.maxOutputTokens);
    const perRequest = this.shape.perRequestUsd;
    const capUsd =
      perRequest === undefined ? worst.totalUsd : Math.min(worst.totalUsd, perRequest + worst.oneCallUsd);
    const inputUsd = Math.min(capUsd, this.estimate(promptTokens, 1, 0).totalUsd);
    if (!historyKnown) {
      return {
        amountUsd: capUsd,
        inputUsd,
        promptTokens,
        beyondInputUsd: capUsd - inputUsd,
        basis: 'unknown-history',
        capUsd,
      };
    }
    const learned = await this.learnedBeyondInput();
    const beyondInputUsd = learned ?? this.defaultBeyondInput(promptTokens, inputUsd);
    return {
      amountUsd: roundUpToMicroUsd(Math.min(capUsd, inputUsd + beyondInputUsd)),
      inputUsd,
      promptTokens,
      beyondInputUsd,
      basis: learned === undefined ? 'default' : 'learned',
      capUsd,
    };
  }

  /** The price of one input token of a prompt this long, and of one output token, USD per million. */
  rates(promptTokens: number): { input: number; output: number; model: string } {
    const prices = pricesFor(this.shape.model ?? defaultModel, this.shape.pricing);
    const rates =
      prices.longPrompt && promptTokens > prices.longPrompt.abovePromptTokens ? prices.longPrompt : prices;
    return { input: dearestInputRate(rates), output: rates.output, model: prices.model };
  }

  /**
   * Until enough runs are measured: the output of every call at `maxOutputTokens`, and for each call after
   * the first its resent prompt (grown by the calls before). An agent without tools makes one call, so
   * this bounds its runs for as long as the CLI's own prompt stays within {@link cliOverheadTokensPerCall};
   * one with tools is assumed to make up to {@link defaultCallsWithTools}.
   */
  private defaultBeyondInput(promptTokens: number, inputUsd: number): number {
    const calls =
      this.shape.tools.length === 0 ? 1 : Math.min(this.shape.limits.maxTurns, defaultCallsWithTools);
    return Math.max(
      0,
      this.estimate(promptTokens, calls, this.shape.limits.maxOutputTokens).totalUsd - inputUsd,
    );
  }

  /**
   * The most any of the agent's last {@link learnedRunWindow} measured runs cost beyond its input bound
   * (0 when the input bound covered them all), once at least {@link learnedRunMinimum} are measured.
   * Read from the store at most every 30 s; concurrent callers share one read.
   */
  private async learnedBeyondInput(): Promise<number | undefined> {
    const at = this.now();
    if (this.learned && at - this.learned.at < learnedMaxAgeMs) return this.learned.beyondInputUsd;
    this.loading ??= this.budget
      .beyondInputUsd(this.scope, learnedRunWindow)
      .then(
        (samples) => (samples.length < learnedRunMinimum ? undefined : Math.max(0, ...samples)),
        () => undefined,
      )
      .then((beyondInputUsd) => {
        this.learned = { at, beyondInputUsd };
        this.loading = undefined;
        return beyondInputUsd;
      });
    return this.loading;
  }

  private estimate(promptTokens: number, turns: number, maxOutputTokens: number) {
    return estimateRunCost({
      ...(this.shape.model ? { model: this.shape.model } : {}),
      promptChars: 0,
      systemPromptChars: 0,
      promptTokens,
      maxOutputTokens,
      turns,
      ...(this.shape.pricing ? { pricing: this.shape.pricing } : {}),
    });
  }
}

function roundUpToMicroUsd(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3) / 1e6;
}
