/**
 * Preloaded (`--import`) into a server by bench:startup: keeps BENCH_LOADED_MODULES_FILE holding the URL of every
 * module the process has loaded so far, one a line, so the bench can say which packages a start-up loads. The file
 * is rewritten once per burst of loads (setImmediate), not per module, and the bench reads it after the process is
 * killed, so nothing here needs a clean exit.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.BENCH_LOADED_MODULES_FILE;
if (file) {
  const loaded: string[] = [];
  let pending = false;
  const flush = () => {
    pending = false;
    writeFileSync(file, loaded.join('\n'));
  };
  registerHooks({
    load(url, context, nextLoad) {
      loaded.push(url);
      if (!pending) {
        pending = true;
        setImmediate(flush).unref();
      }
      return nextLoad(url, context);
    },
  });
}
