// Rights module: TDM-reservation checks (robots.txt for AI agents, TDMRep, blocklist) and the
// `rights` pipeline step that stamps every document with {decision, reason, class}.
// Not the vault (data/vault/) and not the writers. References: RFC 9309, W3C TDMRep.
export { RightsConfigSchema, AI_USER_AGENTS, RESERVATION_REASONS } from './config.js';
export type { RightsConfig, RightsConfigInput, ReservationReason } from './config.js';
export { RightsStep, hostOf, onBlocklist } from './step.js';
export { Robots, normaliseEncoding } from './robots.js';
export { parseTdmrep, matchTdmrep, headerReservation, htmlReservation, type TdmRule } from './tdmrep.js';
