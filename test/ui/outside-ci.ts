/**
 * Imported before anything that loads ink: ink reads `CI` once, when it
 * loads, and under CI draws only the last frame. The screen under test is a
 * person's terminal, as `runInteractive` makes it for the real CLI.
 */
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
export {};
