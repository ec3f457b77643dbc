/** Whether the node command line already sets V8 flag `name` (`--name`, `--name=value`, `--name value`, `--no-name`): it then wins over what the server would set. */
export function v8FlagGiven(execArgv: readonly string[], name: string): boolean {
  return execArgv.some(
    (arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `--no-${name}`,
  );
}
