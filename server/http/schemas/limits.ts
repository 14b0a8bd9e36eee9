/**
 * Length limits of free text the client also enforces (a form's `maxLength`). Plain numbers in a
 * module that imports nothing, so the client may import them through `@schemas/limits` without
 * pulling the schema library into its bundle.
 */

/** The reason a unit gives for its decision on a received point (`PUT …/feedback/items/:itemId/disposition`), in characters. */
export const FEEDBACK_DECISION_NOTE_MAX = 20_000;
