/**
 * A benchmark's entry: runs `main`, exits when it is done (child servers, pools and timers are not
 * left to keep the process alive) with the exit code `main` set (0 by default), and 1 on an error.
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
