/** Budgets of the intelligent tier: store-backed daily budgets per tenant and agent, reservations, run ceilings. */
export { budgetDay } from './budget-day.js';
export type { MeasuredRun } from './budget-ledger.js';
export { BudgetService, defaultFallbackReply } from './budget-service.js';
export type {
  BudgetScope,
  BudgetServiceConfig,
  BudgetServiceOptions,
  BudgetStatus,
  Reservation,
  ReservationRequest,
} from './budget-types.js';
export { fromMicroUsd, toMicroUsd } from './money.js';
export type { BudgetTables, ReservationStatus } from './schema.js';
