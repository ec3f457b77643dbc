/**
 * Preloaded (`--import`) into a server process by bench:startup and the lazy-loading tests: keeps
 * LOADED_MODULES_FILE holding the URL of every module the process has loaded so far, one a line, so a caller can
 * say which packages a start-up loads. The file is rewritten once per burst of loads (setImmediate) rather than per
 * module, and once more at exit, so it is complete whether the process is killed after answering or exits.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.LOADED_MODULES_FILE;
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
  process.on('exit', flush);
}
