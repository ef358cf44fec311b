/**
 * A mistake that is the user's to fix (an option, a file, a run directory): the CLI prints its
 * message as one sentence and exits 2, never with a stack trace. Each kind of mistake extends it
 * where it is found, so the CLI need not load the code that finds it to recognise it.
 */
export class UserError extends Error {}
