/**
 * The one place where the CLI imports the library. In the repository the CLI runs against the
 * sources (`build/bin/*.js` → `build/src/index.js`); a packaged CLI only changes this line.
 */
export * from "../index.js";
