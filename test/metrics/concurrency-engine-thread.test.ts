/** Roll-ups under concurrent writers, the engine in a thread of its own (the suite: concurrency.suite.ts). */
import { concurrencySuite } from './concurrency.suite';

concurrencySuite('own');
