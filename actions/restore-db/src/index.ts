// Entry point of the bundle: all logic is in main.ts so tests can import it.
import { run } from './main.js';

await run();
