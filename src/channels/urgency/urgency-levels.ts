/** The four urgency levels, lowest first. */
export const urgencyLevels = ['low', 'normal', 'high', 'critical'] as const;
export type UrgencyLevel = (typeof urgencyLevels)[number];
