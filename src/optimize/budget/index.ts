/** Budgets of the intelligent tier: store-backed daily budgets per tenant and agent, reservations, run ceilings. */
export { budgetDay } from './budget-day.js';
export {
  type BudgetScope,
  BudgetService,
  type BudgetServiceConfig,
  type BudgetServiceOptions,
  type BudgetStatus,
  defaultFallbackReply,
  type Reservation,
} from './budget-service.js';
export { fromMicroUsd, toMicroUsd } from './money.js';
export type { BudgetTables, ReservationStatus } from './schema.js';
