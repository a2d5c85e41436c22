/** A local simulated Anthropic Messages API, for the offline demo and the tests. Never Claude. */
export { readGenerationPrompt, writeHandler, writeKeywordHandler, writesHandlers } from './handler-writer.js';
export {
  allMessageText,
  callToolThenReply,
  demoResponder,
  failWithHttpError,
  keepCallingTool,
  lastToolResults,
  lastUserText,
  playSteps,
  replyWithText,
  simulatedReplyPrefix,
  type ToolThenReplyScript,
} from './responders.js';
export {
  isSideRequest,
  type SimulatedModel,
  type SimulatedModelOptions,
  startSimulatedModel,
} from './simulated-model.js';
export { ANSWER_PROBABILITY, writeSoftmaxHandler } from './softmax-writer.js';
export type {
  MessagesApiMessage,
  MessagesApiRequest,
  MessagesContentBlock,
  ReceivedToolResult,
  RespondContext,
  SimulatedResponder,
  SimulatedStep,
  SimulatedToolUse,
  SimulatedUsage,
} from './types.js';
