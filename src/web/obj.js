// The JS half of `Obj` in src/web/convert.rs: building the plain objects a watch reports.

/**
 * Sets `target[key]`. `Reflect.set` would do, but js-sys imports it as one that may throw, and
 * its try/catch wrapper is most of the cost of a call made for every field of every event.
 */
export function put(target, key, value) {
  target[key] = value;
}

/**
 * Gives `target` an enumerable `job` property holding `text` parsed as JSON, parsed when first
 * read: most callbacks read the progress or the status, not the whole job, and parsing it is most
 * of the work of making an event. Reading it always gives the same object, and it can be
 * assigned like any other property.
 */
export function lazyJob(target, text) {
  let job;
  Object.defineProperty(target, "job", {
    get() {
      if (text !== null) {
        job = JSON.parse(text);
        text = null;
      }
      return job;
    },
    set(value) {
      job = value;
      text = null;
    },
    enumerable: true,
    configurable: true,
  });
}
