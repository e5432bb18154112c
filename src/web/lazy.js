// The JS half of `Obj::job` in src/web/convert.rs.

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
