// Close codes by what RFC 6455 §7.4 / the IANA registry (§11.7) allow on the wire.

/** Codes a peer may send: defined ones (1000–1003, 1007–1014) and the 3000–4999 ranges. */
export const VALID_CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

/**
 * Codes that never appear on the wire: below 1000, reserved 1004, the local-only 1005/1006/1015,
 * unassigned 1016–2999, and ≥ 5000.
 */
export const INVALID_CLOSE_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
